using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Testing;

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

    /// <summary>
    /// The L2 power-loss scenarios keep their live log at 512 KiB, not the default 2 MiB: every
    /// crash state's start recovers the whole log and the judge reads it back, and at 2 MiB that was
    /// about 1.2-1.5 MiB a state for no mutant caught sooner (`crashlab prove`, docs/benchmarks.md,
    /// "Session 7: the live log's size"). Still more than one 256 KiB segment of the reference engine.
    /// </summary>
    [Theory]
    [InlineData("power-loss-drop-all")]
    [InlineData("power-loss-torn-sectors")]
    [InlineData("power-loss-lost-dir-entries")]
    public void PowerLossScenarios_TruncateTheirLiveLogPast512KiB(string scenario)
        => Assert.Equal(512 << 10, TestEngine.Scenario(scenario).Workload.MaxLiveLogBytes);

    /// <summary>
    /// The request after the append that takes the live log past the scenario's limit is a
    /// truncation, and none comes before: the log a crash state starts from stays near the limit
    /// (the newest quarter kept, then three quarters of appends to the next truncation).
    /// </summary>
    [Fact]
    public async Task RunAsync_LiveLogPastTheLimit_TruncatesWithTheNextRequest()
    {
        var python = new BackendSpec("python", "python3", [Path.Combine(AppContext.BaseDirectory, "Fakes", "simple_wal.py")], WhiteBox: false);
        // Only the limit truncates here (no random truncations), and no 64 KiB+ records: several truncations in one short run.
        var profile = TestEngine.Scenario("power-loss-torn-sectors").Workload with { TruncateShare = 0, LargeRecordShare = 0 };
        var limit = profile.MaxLiveLogBytes;
        await using var backend = await BackendProcess.StartAsync(python, new BackendEnvironment(_dir), HarnessTimeouts.Default, CancellationToken.None);
        var model = new ChainModel(new Payloads(5));
        model.Start(backend.Ready!);
        var runner = new WorkloadRunner(backend, model, new WorkloadGenerator(profile, 5), faultsPossible: false) { KillAfterRequests = 400 };
        using var liveness = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        await runner.RunAsync(liveness.Token);

        Assert.Empty(runner.Violations);
        var (live, truncations, previousBefore) = (0L, 0, 0L);
        var requests = runner.Requests;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (request.Op == Protocol.Op.Truncate)
            {
                Assert.True(live > limit, $"request {i} truncated at {live} live bytes, not past the limit {limit}");
                Assert.True(request.BeforeLsn > previousBefore, $"request {i} truncated before LSN {request.BeforeLsn}, not past the previous truncation's {previousBefore}");
                (live, previousBefore) = (limit / 4, request.BeforeLsn!.Value);
                truncations++;
                continue;
            }

            Assert.False(live > limit, $"request {i} ({request.Op}) went out with {live} live bytes, past the limit {limit}, instead of a truncation");
            live += request.Records?.Sum(r => (long)r.Length) ?? 0;
        }

        Assert.True(truncations >= 2, $"the run should have appended several times the limit; it truncated {truncations} time(s)");
    }
}
