using CrashLab.Testing;
using CrashLab.Testing.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Acme.Ledger.Tests;

/// <summary>
/// The ledger's crash contract as three properties. Each runs FsCheck's workloads on CrashLab's
/// simulated disk, judging a power loss before every storage operation; a failure prints the shrunk
/// workload, the crash state and FsCheck's seed (replay: [Property(Replay = "(seed,gamma)")]).
/// </summary>
public sealed class LedgerCrashProperties
{
    private static CrashTestBuilder Ledger => CrashTest.For(LedgerUnderTest.Open);

    [Property(MaxTest = 60, QuietOnSuccess = true)]
    public Property Recovery_IsAPrefix_UnderPowerLoss() =>
        Prop.ForAll(CrashArb.Workloads(groupCommit: false, truncate: false), workload => { Ledger.Workload(workload).Check(); });

    [Property(MaxTest = 60, QuietOnSuccess = true)]
    public Property GroupCommit_NeverAcknowledges_BeforeFsync() =>
        Prop.ForAll(CrashArb.Workloads(groupCommit: true, truncate: false, nonDurable: false), workload => { Ledger.Workload(workload).Check(); });

    [Property(MaxTest = 60, QuietOnSuccess = true)]
    public Property Truncation_KeepsItsBound() =>
        Prop.ForAll(CrashArb.Workloads(truncate: true), workload => { Ledger.Workload(workload).Check(); });
}
