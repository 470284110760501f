using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// Worked cases A-D of the persistence profiles (docs/fault-model.md), each on the simulated
/// disk and through the undo journal: the states each profile admits, exactly where few.
/// </summary>
public sealed class WorkedCasesAtoDTests
{
    private static readonly PosixProfile Posix = KnownProfiles.Posix;
    private static readonly Ext4OrderedProfile Ext4 = KnownProfiles.Ext4Ordered;

    /// <summary>A: create tmp, append 16 B, fsync tmp, rename tmp over CURRENT, unlink MANIFEST-1.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseA_LostRenameWithSurvivingUnlink_IsPosixOnly(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Durable("CURRENT", 11, 1).Durable("MANIFEST-1", 5, 2)
            .Create("tmp").Append("tmp", 16, 3).Fsync("tmp").Rename("tmp", "CURRENT").Unlink("MANIFEST-1");
        var window = run.Window();

        const string Old = "CURRENT=1*11 MANIFEST-1=2*5";
        string[] ext4 = [$"{Old} tmp=3*16", "CURRENT=3*16 MANIFEST-1=2*5", "CURRENT=3*16"];
        Assert.Equal(ext4.Order(StringComparer.Ordinal), CaseRun.States(window, Ext4));
        Assert.Equal(ext4.Append(Old).Append("CURRENT=1*11").Append("CURRENT=1*11 tmp=3*16").Order(StringComparer.Ordinal), CaseRun.States(window, Posix));

        var renameLostUnlinkKept = CaseRun.Assign(window, (op, _) => op is RenameOp ? OpOutcome.Lost : null);
        Assert.True(Posix.Admits(window, renameLostUnlinkKept));
        var admission = ProfileAdmission.Of(window, renameLostUnlinkKept);
        Assert.Equal(["posix"], admission.AdmittedBy);
        Assert.Matches(@"^the rename of tmp over CURRENT \(op \d+\) was lost while the later unlink of MANIFEST-1 \(op \d+\) survived; ext4's journal keeps these in order$", admission.PosixOnlyBecause);
    }

    /// <summary>B: create data.mdb, append 8 KiB, fdatasync data.mdb.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseB_FdatasyncAfterAppend_CommitsTheCreateOnExt4(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("data.mdb").Append("data.mdb", 8192, 7).Fdatasync("data.mdb");
        var window = run.Window();

        Assert.Equal(["", "data.mdb=7*8192"], CaseRun.States(window, Posix));
        Assert.Equal(["data.mdb=7*8192"], CaseRun.States(window, Ext4));
        var createLost = CaseRun.Assign(window, (op, _) => op is CreateOp ? OpOutcome.Lost : null);
        var why = Assert.Single(Ext4.Objections(window, createLost));
        Assert.Matches(@"^the create of data.mdb \(op \d+\) was lost though the fdatasync of data.mdb \(after op \d+\) had made it durable on ext4 \(an fdatasync commits ext4's journal up to the file's last change of size or allocation\)$", why);
    }

    /// <summary>C: create a, append a 4 KiB, create b, fsync b.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseC_FsyncOfLaterFile_CommitsEarlierCreate_AppendSurvivesAsSectorPrefix(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("a").Append("a", 4096, 5).Create("b").Fsync("b");
        var window = run.Window();

        var prefixes = Enumerable.Range(0, 9).Select(k => k == 0 ? "a= b=" : $"a=5*{k * 512} b=");
        Assert.Equal(prefixes.Order(StringComparer.Ordinal), CaseRun.States(window, Ext4));

        var aMissing = CaseRun.Assign(window, (op, name) => op is CreateOp && name.Contains("of a ", StringComparison.Ordinal) ? OpOutcome.Lost : null);
        Assert.True(Posix.Admits(window, aMissing));
        Assert.Contains("the create of a", Assert.Single(Ext4.Objections(window, aMissing)), StringComparison.Ordinal);
        var zerosInside = CaseRun.Assign(window, (op, _) => op is WriteOp w ? OpOutcome.Write(w, [0, 2], null, 512) : null);
        Assert.True(Posix.Admits(window, zerosInside));
        Assert.False(Ext4.Admits(window, zerosInside));
    }

    /// <summary>D: create tmp, append 100 B, rename tmp to cfg, fsync the directory.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseD_RenameAfterAppend_LeavesEmptyOrWholeFileOnExt4(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("tmp").Append("tmp", 100, 9).Rename("tmp", "cfg").FsyncDir();
        var window = run.Window();

        Assert.Equal(["cfg=", "cfg=0*100", "cfg=9*100"], CaseRun.States(window, Posix));
        Assert.Equal(["cfg=", "cfg=9*100"], CaseRun.States(window, Ext4));
    }
}
