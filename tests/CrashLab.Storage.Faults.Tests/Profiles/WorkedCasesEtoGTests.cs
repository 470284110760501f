using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>Worked cases E-G of the persistence profiles (docs/fault-model.md), on the simulated disk and through the undo journal.</summary>
public sealed class WorkedCasesEtoGTests
{
    private static readonly PosixProfile Posix = KnownProfiles.Posix;
    private static readonly Ext4OrderedProfile Ext4 = KnownProfiles.Ext4Ordered;

    /// <summary>E: f holds 4 KiB, durable; overwrite f at 0 with 4 KiB, no fsync.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseE_InPlaceOverwrite_AnySectorMixUnderBoth(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Durable("f", 4096, 1).Write("f", 0, 4096, 2);
        var window = run.Window(sectorSize: 1024);

        var posix = CaseRun.States(window, Posix);
        Assert.Equal(16, posix.Count);
        Assert.Equal(posix, CaseRun.States(window, Ext4));
        Assert.Contains("f=1*1024,2*1024,1*1024,2*1024", posix);
    }

    /// <summary>F: f holds 2,509 B, synced; append 13 B; append 2,500 B.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseF_AppendsAcrossABlock_ZerosOnlyWhereExt4LeavesThem(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Durable("f", 2509, 1).Append("f", 13, 2).Append("f", 2500, 3);
        var window = run.Window();

        var ext4 = CaseRun.States(window, Ext4);
        var posix = CaseRun.States(window, Posix);
        Assert.Contains("f=1*2509,0*13", ext4);
        Assert.Contains("f=1*2509,0*1587,3*926", ext4);
        Assert.Contains("f=1*2509,2*13", ext4);
        Assert.Subset(posix, ext4);
        // The second append's first sector (bytes 2522..2559) shares sector 4 with the first
        // append's 13 B; kept, it reaches the disk whole, with them. So no state shows zeros at
        // 2509..2521 and the second append's bytes after them: posix lost 63 such states (each
        // choice of sectors 5..9 and size with that sector kept: 255 -> 192), ext4 16 (each
        // subset of the in-place sectors 5..7 with one or two of the new blocks' sectors: 67 -> 51).
        Assert.Equal((192, 51), (posix.Count, ext4.Count));
        Assert.DoesNotContain(posix, s => s.StartsWith("f=1*2509,0*13,3*", StringComparison.Ordinal));
        // New blocks are a prefix with the size covering it: never the second new sector without the first.
        Assert.DoesNotContain(ext4, s => s.EndsWith(",0*512,3*414", StringComparison.Ordinal));
        Assert.Contains(posix, s => s.EndsWith(",0*512,3*414", StringComparison.Ordinal));
        // The 13 B growth is journaled: ext4 never leaves the file between 2,509 and 2,522 B.
        var partialGrowth = CaseRun.Assign(window, (op, _) => op is WriteOp { Length: 13 } w ? OpOutcome.Write(w, [], 2512, 512) : op is WriteOp ? OpOutcome.Lost : null);
        Assert.False(Posix.Admits(window, partialGrowth));
    }

    /// <summary>G: f 4 KiB allocated and synced; create g; overwrite f at 0; fdatasync (or fsync) f.</summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void CaseG_FdatasyncAfterOverwrite_CommitsNothing_FsyncCommitsTheCreate(bool throughJournal)
    {
        using (var run = new CaseRun(throughJournal))
        {
            run.Durable("f", 4096, 1).Create("g").Write("f", 0, 4096, 2).Fdatasync("f");
            var window = run.Window();
            Assert.Equal(["f=2*4096", "f=2*4096 g="], CaseRun.States(window, Ext4));
            Assert.Equal(CaseRun.States(window, Posix), CaseRun.States(window, Ext4));
        }

        using (var run = new CaseRun(throughJournal))
        {
            run.Durable("f", 4096, 1).Create("g").Write("f", 0, 4096, 2).Fsync("f");
            var window = run.Window();
            Assert.Equal(["f=2*4096 g="], CaseRun.States(window, Ext4));
            Assert.Equal(["f=2*4096", "f=2*4096 g="], CaseRun.States(window, Posix));
            var gLost = CaseRun.Assign(window, (op, _) => op is CreateOp ? OpOutcome.Lost : null);
            Assert.True(ProfileAdmission.Of(window, gLost).PosixOnly);
        }
    }
}
