using Acme.Ledger;
using Acme.Ledger.Tests;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Testing.Generators;
using CrashLab.Testing.Workloads;
using CrashLab.Tests.Shared;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit.Abstractions;

namespace CrashLab.Testing.Tests.Generators;

/// <summary>The kit's generators as a C# team uses them: properties that hold on a correct log, and a shrunk counterexample on a broken one.</summary>
public sealed class CrashArbTests(ITestOutputHelper output)
{
    private static CrashTestBuilder Correct => CrashTest.For(LedgerUnderTest.With(LedgerBug.None));

    [Property(MaxTest = 40, QuietOnSuccess = true, Arbitrary = [typeof(CrashArbitraries)])]
    public void AnyWorkload_OnACorrectLog_Passes(Workload workload) => Correct.Workload(workload).Check();

    [Property(MaxTest = 40, QuietOnSuccess = true, Arbitrary = [typeof(CrashArbitraries)])]
    public void AnyWorkloadUnderAnyFaultPlan_OnACorrectLog_Passes(Workload workload, FaultPlan plan) => Correct.Workload(workload).Faults(plan).Check();

    [Property(MaxTest = 100, Arbitrary = [typeof(CrashArbitraries)])]
    public Property CrashPoints_AreValidPlans(CrashPoint point)
        => (point.AtOp >= 1 && (point.Perform || point.PerformBytes == null)).Label($"{point}").And(() => new FaultPlan { Crash = point }.Validate());

    [Fact]
    public void Counterexample_AckBeforeFsync_IsFoundAndShrunkToOneDurableAppend()
    {
        var broken = CrashTest.For(LedgerUnderTest.With(LedgerBug.AckBeforeFsync));
        bool Holds(Workload w)
        {
            try
            {
                broken.Workload(w).Check();
                return true;
            }
            catch (CrashTestFailedException)
            {
                return false;
            }
        }

        var (original, shrunk, seed) = CounterexampleSearch.Find("ack-before-fsync", CrashArb.Workloads(), Holds, tests: 200);

        output.WriteLine($"{original} shrunk to {shrunk} (replay {CounterexampleSearch.ReplayVariable}={seed})");
        Assert.False(Holds(shrunk));
        Assert.True(shrunk.Steps.Count <= original.Steps.Count && shrunk.RecordBytes <= original.RecordBytes);
        Assert.Single(shrunk.Steps); // one durable append is all the bug needs
    }
}
