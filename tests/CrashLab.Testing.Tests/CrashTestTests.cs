using Acme.Ledger;
using Acme.Ledger.Tests;
using CrashLab.Harness.Oracle;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Testing.Workloads;

namespace CrashLab.Testing.Tests;

/// <summary>The kit against a third-party log (the example ledger): a correct one passes, each classic mistake is caught where it happens.</summary>
public sealed class CrashTestTests
{
    private static readonly Workload Mixed = Workload.Seeded(7).Append(3, 100).GroupCommit(4, 64).Append(2, 513, durable: false)
        .Truncate(50).PowerLoss(CrashMode.RandomSubset).Append(2, 1500).GroupCommit(3, 7);

    [Fact]
    public void Check_CorrectLedger_JudgesAStateInEveryModeBeforeEveryOperation()
    {
        var report = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(Mixed).Check();

        Assert.True(report.Operations >= 10, $"{report.Operations} operations");
        Assert.Equal(3 * report.Operations, report.StatesChecked);
        Assert.Equal(3, report.Lives); // the first open, the workload's power loss, the final one
    }

    [Fact]
    public async Task CheckAsync_CorrectLedger_ChecksWhatCheckChecks()
    {
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(Mixed);

        var awaited = await test.CheckAsync();

        Assert.Equal(test.Check(), awaited);
    }

    [Fact]
    public async Task CheckAsync_AckBeforeFsync_ThrowsTheViolation()
    {
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.AckBeforeFsync)).Workload(Workload.Seeded(1).Append(1, 10));

        var failure = await Assert.ThrowsAsync<CrashTestFailedException>(test.CheckAsync);

        Assert.Equal(Rules.Durability, failure.Violation.Rule);
    }

    /// <summary>
    /// Found by the kit while the example was written: a truncation deletes two old segments, the
    /// power goes before the directory fsync, and only the newer unlink survives. Recovery took the
    /// older leftover for the start of the log and the hole after it for its end, dropping
    /// acknowledged records; it now skips segments wholly below the checkpoint.
    /// </summary>
    [Fact]
    public void Check_TruncationInterruptedBetweenItsUnlinks_KeepsEveryDurableRecord()
    {
        var workload = Workload.Seeded(1346473269).Append(2, 1500).GroupCommit(2, 1024).GroupCommit(2, 1024).GroupCommit(2, 1).Truncate(41);

        var report = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(workload).CrashStates(new CrashStates { SeedsPerMode = 8 }).Check();

        Assert.True(report.StatesChecked > 100, $"{report.StatesChecked} states");
    }

    [Fact]
    public void Check_EveryExt4OrderedState_OnACorrectLedger_Passes()
    {
        var workload = Workload.Seeded(11).Append(2, 513).GroupCommit(3, 64).Truncate(50).Append(1, 4096);

        var report = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(workload).CrashStates(CrashStates.Every(KnownProfiles.Ext4Ordered)).Check();

        Assert.True(report.StatesChecked > report.Operations, $"{report.StatesChecked} states at {report.Operations} operations");
    }

    [Fact]
    public void Check_EveryPosixState_CatchesRenameWithoutFsync()
    {
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.RenameWithoutFsync)).Workload(Workload.Seeded(1).Append(4, 10).Truncate(50));

        var failure = Assert.Throws<CrashTestFailedException>(() => test.CrashStates(CrashStates.Every(KnownProfiles.Posix)).Check());

        Assert.Equal(Rules.Liveness, failure.Violation.Rule);
        Assert.Contains("every one the profile admits", failure.Where, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EveryThirdOperationInOneMode_JudgesAThirdOfTheOperations()
    {
        var oneLife = Workload.Seeded(7).Append(3, 100).GroupCommit(4, 64).Append(2, 513, durable: false).Truncate(50).Append(2, 1500);
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(oneLife);

        var report = test.CrashStates(new CrashStates { EveryNthOperation = 3, Modes = [CrashMode.DropAll] }).Check();

        Assert.True(report.Operations >= 9, $"{report.Operations} operations");
        Assert.Equal(report.Operations / 3, report.StatesChecked);
    }

    [Fact]
    public void Check_AckBeforeFsync_FailsOnDurabilityBeforeTheGroupIsWritten()
    {
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.AckBeforeFsync)).Workload(Workload.Seeded(1).Append(1, 10));

        var failure = Assert.Throws<CrashTestFailedException>(() => test.Check());

        Assert.Equal(Rules.Durability, failure.Violation.Rule);
        Assert.Contains("of life 0", failure.Where, StringComparison.Ordinal); // before the group's pwrite or fdatasync, never after
        Assert.Contains("drop-all", failure.Where, StringComparison.Ordinal); // the simplest mode that fails there
        Assert.Contains("seed 1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RenameWithoutFsync_FailsWhenTheCheckpointComesBackEmpty()
    {
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.RenameWithoutFsync)).Workload(Workload.Seeded(1).Append(4, 10).Truncate(50));

        var failure = Assert.Throws<CrashTestFailedException>(() => test.Check());

        Assert.Equal(Rules.Liveness, failure.Violation.Rule);
        Assert.Contains("checkpoint is damaged", failure.Violation.Message, StringComparison.Ordinal);
        Assert.Contains("fsync directory", failure.Where, StringComparison.Ordinal); // the rename is durable, its contents are not
    }

    [Fact]
    public void Check_CrashPointInThePlan_EndsTheFirstLifeAndTheRecoveryIsJudged()
    {
        // After the first open, the judge's probe append creates a segment (1), fsyncs the directory (2),
        // writes (3) and fdatasyncs (4); the first step's write (5) puts down 16 bytes and the process stops.
        var plan = new FaultPlan { Crash = new CrashPoint { AtOp = 5, PerformBytes = 16 } };

        var report = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(Workload.Seeded(3).Append(2, 600).Append(1, 9)).Faults(plan).Check();

        Assert.Equal(2, report.Lives);
        Assert.Equal(1, report.Operations);
        Assert.Equal(3, report.StatesChecked);
    }

    [Fact]
    public void Check_CrashPointWhileTheLogRecovers_EndsThatLifeWithoutAFinding()
    {
        var plan = new FaultPlan { Crash = new CrashPoint { AtOp = 3, Perform = false } };

        var report = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(Workload.Seeded(3).Append(1, 9)).Faults(plan).Check();

        Assert.Equal((2, 0L), (report.Lives, report.Operations));
    }

    [Fact]
    public void Check_FsyncErrors_AreAllowedAnswersWhileNothingAcknowledgedIsLost()
    {
        var plan = new FaultPlan { Seed = 5, Faults = [new FaultRule { Kind = FaultKind.FsyncEio, OneIn = 3 }] };

        var report = CrashTest.For(LedgerUnderTest.With(LedgerBug.None)).Workload(Mixed).Faults(plan).Check();

        Assert.True(report.StatesChecked > 0);
    }

    [Fact]
    public void Check_AnAppendFailingWithoutAFault_IsAViolation()
    {
        var test = CrashTest.For((fs, dir) => new RefusingLog(LedgerUnderTest.With(LedgerBug.None)(fs, dir))).Workload(Workload.Seeded(1).Append(1, 1));

        var failure = Assert.Throws<CrashTestFailedException>(() => test.Check());

        Assert.Equal(Rules.Liveness, failure.Violation.Rule);
        Assert.Contains("while running 'append 1x1B durable'", failure.Where, StringComparison.Ordinal);
    }

    /// <summary>A log whose appends always fail (but whose recovery works).</summary>
    private sealed class RefusingLog(ILogUnderTest inner) : ILogUnderTest
    {
        public long FirstLsn => inner.FirstLsn;

        public long NextLsn => inner.NextLsn;

        public Task<long> AppendAsync(IReadOnlyList<byte[]> records, bool durable)
            => records.Count == 1 && records[0].Length == 1 ? Task.FromException<long>(new IOException("refused")) : inner.AppendAsync(records, durable);

        public IEnumerable<byte[]> ReadFrom(long fromLsn) => inner.ReadFrom(fromLsn);

        public void Dispose() => inner.Dispose();
    }
}
