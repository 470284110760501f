using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Tests.Workload;

/// <summary>The kill after n requests: it lands with the n-th request sent, and no request after it.</summary>
public sealed class WorkloadRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-runner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    public async Task RunAsync_KillAfterRequests_KillsTheBackendRightAfterTheNthRequest(int requests)
    {
        var python = new BackendSpec("python", "python3", [Path.Combine(AppContext.BaseDirectory, "Fakes", "simple_wal.py")], WhiteBox: false);
        await using var backend = await BackendProcess.StartAsync(python, new BackendEnvironment(_dir), HarnessTimeouts.Default, CancellationToken.None);
        var model = new ChainModel(new Payloads(7));
        model.Start(backend.Ready!);
        var runner = new WorkloadRunner(backend, model, new WorkloadGenerator(WorkloadProfile.Default, 7), faultsPossible: false) { KillAfterRequests = requests };
        using var liveness = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        await runner.RunAsync(liveness.Token);

        Assert.False(liveness.IsCancellationRequested, "the run should end at the kill, not at the liveness bound");
        Assert.True(runner.KilledAfterRequests);
        Assert.Equal(requests, runner.Sent);
        Assert.Equal(137, await backend.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// Appends are written from pooled buffers (their payloads and their lines), reused from one
    /// request to the next while earlier ones are still in flight: every record the backend
    /// acknowledged must still read back at its restart byte for byte, the judge's full check.
    /// </summary>
    [Fact]
    public async Task RunAsync_LargeRecordsFromPooledBuffers_EveryAcknowledgedRecordReadsBackByteForByte()
    {
        var python = new BackendSpec("python", "python3", [Path.Combine(AppContext.BaseDirectory, "Fakes", "simple_wal.py")], WhiteBox: false);
        var environment = new BackendEnvironment(_dir);
        var profile = WorkloadProfile.Default with { LargeRecordShare = 0.4, MaxBatchRecords = 4, MaxRecordBytes = 1 << 20, TruncateShare = 0, MaxLiveLogBytes = 64 << 20 };
        var model = new ChainModel(new Payloads(11));
        await using (var backend = await BackendProcess.StartAsync(python, environment, HarnessTimeouts.Default, CancellationToken.None))
        {
            model.Start(backend.Ready!);
            var runner = new WorkloadRunner(backend, model, new WorkloadGenerator(profile, 11), faultsPossible: false) { KillAfterRequests = 40 };
            using var liveness = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await runner.RunAsync(liveness.Token);
            Assert.Empty(runner.Violations);
        }

        var start = await new RecoveryJudge(model, faultsExplainRefusal: false).StartAsync(python, environment, HarnessTimeouts.Default, CancellationToken.None);
        await using (start.Process)
        {
            Assert.Null(start.Verdict.Violation);
            Assert.Equal(RecoveryVerdict.Kind.Accepted, start.Verdict.Outcome);
        }

        Assert.True(model.HighestAcknowledgedLsn > 1, "the run should have had appends acknowledged before the kill");
    }
}
