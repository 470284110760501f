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
}
