using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.WhiteBox;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>Which crash states one white-box run checks after its kill.</summary>
public sealed class WhiteBoxRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ExecuteAsync_KillLeavesNothingPending_ChecksTheOneStateOnce()
    {
        var outcome = await Execute(recoveryPlan: null);

        Assert.Null(outcome.Violation);
        Assert.Equal(1, outcome.StatesChecked);
    }

    [Fact]
    public async Task ExecuteAsync_RecoveryUnderReadFaults_ChecksEveryStateEvenIfEqual()
    {
        var reads = new FaultPlan { Seed = 3, Faults = [new FaultRule { Kind = FaultKind.ReadEio, OneIn = 1000 }] };

        var outcome = await Execute(reads);

        Assert.Null(outcome.Violation);
        Assert.Equal(4, outcome.StatesChecked);
    }

    /// <summary>
    /// A FUSE backend's crash states are recovered by its unmounted form (no daemon, no journal):
    /// the clean recovery needs nothing of the shim. A recovery under read faults still needs it.
    /// Here the unmounted form is the engine with its own shim off, so only the shim's starts journal.
    /// </summary>
    [Fact]
    public async Task ExecuteAsync_CleanRecoveryOfAState_StartsTheUnmountedBackend_FaultedRecoveryTheShimmedOne()
    {
        var reads = new FaultPlan { Seed = 3, Faults = [new FaultRule { Kind = FaultKind.ReadEio, OneIn = 1000 }] };
        var shimmed = TestEngine.Small();

        await Execute(reads, shimmed with { Unmounted = shimmed with { WhiteBox = false } });

        var work = Path.Combine(_dir, "work");
        Assert.NotEmpty(Directory.GetFileSystemEntries(Path.Combine(work, "trace-eio-0")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(work, "trace-state-0")));
    }

    [Fact]
    public async Task ExecuteAsync_CleanRecoveryOfAState_WithNoUnmountedForm_RunsOnTheShim()
    {
        await Execute(recoveryPlan: null);

        Assert.NotEmpty(Directory.GetFileSystemEntries(Path.Combine(_dir, "work", "trace-state-0")));
    }

    /// <summary>
    /// Every append synced: a kill at a random instant almost always finds everything durable (one
    /// crash state). The armed timed kill lands just before a flush with the appended frames
    /// unsynced, so each profile has more than one state to choose among. The drawn time is long
    /// (the harness's own kill, at twice it, only bounds a stalled run).
    /// </summary>
    [Fact]
    public Task ExecuteAsync_TimedKill_LandsWithOperationsUnsynced() => AssertTimedKillArmed(TestEngine.Small());

    /// <summary>
    /// The same through FUSE: the shim runs in the daemon, which reads the run's pacing file, sees the
    /// kill armed at the backend's next FSYNC that finds writes pending, and fences the backend's group
    /// there (the engine is a black-box program on the mount, its own shim off).
    /// </summary>
    [Fact]
    public Task ExecuteAsync_TimedKillThroughFuse_LandsWithOperationsUnsynced()
    {
        Assert.True(Fuse.Mounting.FuseAvailability.Missing() == null, $"FUSE tests need root and /dev/fuse: {Fuse.Mounting.FuseAvailability.Missing()}");
        return AssertTimedKillArmed(TestEngine.Small().ThroughFuse(TestEngine.Fuse, []));
    }

    private async Task AssertTimedKillArmed(BackendSpec backend)
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        var everyAppendSynced = new WorkloadProfile { SyncAppendShare = 1, SyncShare = 0, TruncateShare = 0, ReadShare = 0, StatShare = 0 };
        var input = new WhiteBoxInput
        {
            States = [new("random-subset", 1, 512), new("drop-all", 2, 512)],
            StatesWanted = 2,
            Enumeration = Storage.Faults.Profiles.EnumerationLimits.Default,
            KillAfterMs = 2000, // armed at 2 s, killed by the harness at 4 s: a loaded machine (the whole suite at once) once let 500 ms pass with no flush
            WorkloadSeed = 5,
        };
        var run = new WhiteBoxRun(backend, everyAppendSynced, HarnessTimeouts.Default);

        var outcome = await run.ExecuteAsync(data, new ChainModel(new Payloads(1)), input, Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName, CancellationToken.None);

        Assert.Null(outcome.Violation);
        Assert.NotEmpty(outcome.Coverage);
        Assert.All(outcome.Coverage, c => Assert.True(c.Total >= 2, $"{c.Profile}: {c.Total} state(s): nothing was pending at the kill"));
        // The shim fired the kill, but it was the harness's timed kill, not a crash point of the plan: a case says so.
        Assert.Equal(CrashLab.Harness.Reports.Timeline.ArmedKill, outcome.KilledBy);
    }

    /// <summary>
    /// A state with torn writes gets a second start (its next life's, now), once per kill: on the
    /// first torn state the chain could go on from. The reference engine passes it; a kill without
    /// torn writes costs no extra start.
    /// </summary>
    [Fact]
    public async Task ExecuteAsync_KillWithTornStates_StartsAtMostOneStateASecondTime()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        var everyAppendSynced = new WorkloadProfile { SyncAppendShare = 1, SyncShare = 0, TruncateShare = 0, ReadShare = 0, StatShare = 0 };
        var input = new WhiteBoxInput
        {
            States = [.. Enumerable.Range(1, 6).Select(seed => new StateChoice("random-subset", (ulong)seed, 512))],
            StatesWanted = 6,
            Enumeration = Storage.Faults.Profiles.EnumerationLimits.Default,
            KillAfterMs = 500,
            WorkloadSeed = 5,
        };
        var run = new WhiteBoxRun(TestEngine.Small(), everyAppendSynced, HarnessTimeouts.Default);
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;

        var outcome = await run.ExecuteAsync(data, new ChainModel(new Payloads(1)), input, work, CancellationToken.None);

        Assert.Null(outcome.Violation);
        Assert.InRange(Directory.GetDirectories(work, "trace-restart-*").Length, 0, 1);
    }

    [Fact]
    public async Task ExecuteAsync_KillLeavesNothingPending_StartsNoStateASecondTime()
    {
        await Execute(recoveryPlan: null);

        Assert.Empty(Directory.GetDirectories(Path.Combine(_dir, "work"), "trace-restart-*"));
    }

    /// <summary>A run that sends no requests on an empty directory: the engine creates nothing, so every crash state is the same.</summary>
    private async Task<WhiteBoxOutcome> Execute(FaultPlan? recoveryPlan, BackendSpec? backend = null)
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        var input = new WhiteBoxInput
        {
            Requests = [],
            RecoveryPlan = recoveryPlan,
            States = [new("random-subset", 1, 512), new("prefix", 2, 512), new("random-subset", 3, 4096), new("drop-all", 4, 512)],
            StatesWanted = 4,
        };
        var run = new WhiteBoxRun(backend ?? TestEngine.Small(), WorkloadProfile.Default, HarnessTimeouts.Default);
        return await run.ExecuteAsync(data, new ChainModel(new Payloads(1)), input, Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName, CancellationToken.None);
    }
}
