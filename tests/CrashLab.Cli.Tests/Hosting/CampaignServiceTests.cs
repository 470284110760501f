using CrashLab.Cli.Hosting;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrashLab.Cli.Tests.Hosting;

/// <summary>
/// The campaign's hosted service: its run must happen however early the host is stopped. A SIGTERM
/// during certify's check stops the host the moment it has started; as a BackgroundService (.NET 10
/// starts ExecuteAsync with Task.Run under the stopping token) the run was then often never started,
/// no report said stopped, and certify waited for the forced exit.
/// </summary>
public sealed class CampaignServiceTests : CliTest
{
    [Fact]
    public async Task StopAsync_RightAfterStartAsync_StillRunsTheCampaignAndWritesItsReports()
    {
        // Many times over: the old service lost the race to a pool thread only some of the time.
        for (var round = 0; round < 20; round++)
        {
            var outDir = Path.Combine(Out, $"round-{round}");
            var settings = new CampaignSettings(new BackendSpec("fake", "fake", [], false), "fake", true, [new Scenario { Name = "process-kill", Level = "L1", Budget = 10 }], 1, 1, outDir) { Progress = null };
            using var signals = new StopSignals();
            var lifetime = new Lifetime();
            using var service = new CampaignService(settings, signals, lifetime, NullLogger<CampaignService>.Instance, CancellationToken.None);

            await service.StartAsync(CancellationToken.None);
            await service.StopAsync(CancellationToken.None);
            var (_, tally) = await service.Outcome.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.NotNull(tally);
            Assert.Equal(0, tally.States);
            Assert.True(File.Exists(Path.Combine(outDir, "report.json")), $"round {round}: no report");
            Assert.True(lifetime.Stopped, $"round {round}: the run did not stop the host when it ended");
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public bool Stopped { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped = true;
    }
}
