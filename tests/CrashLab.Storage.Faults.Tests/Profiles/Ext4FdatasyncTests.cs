using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// What an fdatasync commits on ext4 (data=ordered): every journaled operation up to the file's
/// last change of size or allocation (ext4's i_datasync_tid), even when overwrites followed it.
/// Its create counts, and so does a write into preallocated blocks (the unwritten extent's
/// conversion is journaled). Worked case G (an overwrite of blocks synced before g's create)
/// still commits nothing.
/// </summary>
public sealed class Ext4FdatasyncTests
{
    private static readonly PosixProfile Posix = KnownProfiles.Posix;
    private static readonly Ext4OrderedProfile Ext4 = KnownProfiles.Ext4Ordered;

    private const string Written = "f=2*4096,0*4096";

    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void WriteIntoPreallocatedRange_Fdatasync_CommitsTheCreateOnExt4(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("f").Fallocate("f", 8192).Write("f", 0, 4096, 2).Fdatasync("f");
        var window = run.Window();

        Assert.Equal(["", Written], CaseRun.States(window, Posix));
        Assert.Equal([Written], CaseRun.States(window, Ext4));
    }

    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void WriteIntoPreallocatedRangeSyncedBeforeACreate_Fdatasync_CommitsThatCreate(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("f").Fallocate("f", 8192).Fsync("f").Create("g").Write("f", 0, 4096, 2).Fdatasync("f");
        var window = run.Window();

        Assert.Equal(["", "g=", Written, $"{Written} g="], CaseRun.States(window, Posix));
        Assert.Equal([$"{Written} g="], CaseRun.States(window, Ext4));
        var gLost = CaseRun.Assign(window, (op, name) => name.StartsWith("the create of g", StringComparison.Ordinal) ? OpOutcome.Lost : null);
        Assert.Matches(@"^the create of g \(op \d+\) was lost though the fdatasync of f \(after op \d+\) had made it durable on ext4", Assert.Single(Ext4.Objections(window, gLost)));
    }

    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void OverwriteAfterAnUncommittedAppend_Fdatasync_CommitsUpToTheAppend(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Durable("f", 4096, 1).Create("g").Append("f", 4096, 3).Write("f", 0, 4096, 2).Fdatasync("f");
        var window = run.Window();

        Assert.Equal(["f=2*4096,3*4096", "f=2*4096,3*4096 g="], CaseRun.States(window, Posix));
        Assert.Equal(["f=2*4096,3*4096 g="], CaseRun.States(window, Ext4));
    }

    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void FdatasyncOfAFileCreatedAfterAnother_CommitsBothCreates(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("g").Create("f").Fdatasync("f");
        var window = run.Window();

        Assert.Equal(["", "f=", "f= g=", "g="], CaseRun.States(window, Posix));
        Assert.Equal(["f= g="], CaseRun.States(window, Ext4));
    }

    /// <summary>The journal compacts past 8 MiB of records (here ten synced 1 MiB overwrites, each with its pre-image): the preallocation must survive it.</summary>
    [Fact]
    public void PreallocatedBlocks_AreRememberedAcrossAJournalCompaction()
    {
        using var run = new CaseRun(throughJournal: true);
        run.Create("f").Fallocate("f", 8192).Fsync("f").Durable("h", 1 << 20, 4);
        for (var i = 0; i < 10; i++)
            run.Write("h", 0, 1 << 20, (byte)(5 + i)).Fsync("h");
        run.Create("g").Write("f", 0, 4096, 2).Fdatasync("f");
        var window = run.Window(sectorSize: 4096);

        Assert.Equal(["f=2*4096,0*4096 g= h=14*1048576", "f=2*4096,0*4096 h=14*1048576"], CaseRun.States(window, Posix));
        Assert.Equal(["f=2*4096,0*4096 g= h=14*1048576"], CaseRun.States(window, Ext4));
    }
}
