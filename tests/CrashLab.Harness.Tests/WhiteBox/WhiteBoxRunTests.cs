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
