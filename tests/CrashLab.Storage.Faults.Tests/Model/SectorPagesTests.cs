using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Tests.Profiles;

namespace CrashLab.Storage.Faults.Tests.Model;

/// <summary>
/// A sector reaches the disk whole, with the page cache's bytes of the moment: two pending writes
/// into one sector leave it as it was, after the first, or after both; never the second's bytes
/// without the first's. Under both profiles, on the simulated disk and through the undo journal.
/// </summary>
public sealed class SectorPagesTests
{
    private const string Before = "f=1*512";
    private const string AfterFirst = "f=2*100,1*412";
    private const string AfterBoth = "f=2*100,1*100,3*100,1*212";
    private const string SecondWithoutFirst = "f=1*200,3*100,1*212";

    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void TwoWritesIntoOneSector_KeptSectorCarriesTheEarlierWritesBytes_UnderEveryProfile(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Durable("f", 512, 1).Write("f", 0, 100, 2).Write("f", 200, 100, 3);
        var window = run.Window(sectorSize: 512);

        foreach (var profile in KnownProfiles.All)
        {
            var states = CaseRun.States(window, profile);
            Assert.Equal([Before, AfterBoth, AfterFirst], states);
            Assert.DoesNotContain(SecondWithoutFirst, states);
        }
    }

    [Fact]
    public void SecondWriteKeptFirstLost_LeavesTheBytesOfBothKept_SoAdmissionAndDedupAgree()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", 512, 1).Write("f", 0, 100, 2).Write("f", 200, 100, 3);
        var window = run.Window(sectorSize: 512);
        var firstLost = CaseRun.Assign(window, (op, _) => op is WriteOp { Offset: 0 } ? OpOutcome.Lost : null);
        var bothKept = CaseRun.Assign(window, (_, _) => null);

        Assert.Equal(AfterBoth, CaseRun.Show(window.Apply(firstLost)));
        Assert.Equal(window.Fingerprint(bothKept), window.Fingerprint(firstLost));
        Assert.Equal(["posix", "ext4-ordered"], ProfileAdmission.Of(window, firstLost).AdmittedBy);
    }

    [Fact]
    public void ShrinkBetweenTheWrites_TheKeptSectorHoldsTheShrinksZerosNotTheDiscardedBytes()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", 512, 1).Write("f", 0, 100, 2).Truncate("f", 50).Write("f", 200, 100, 3);
        var window = run.Window(sectorSize: 512);

        var states = CaseRun.States(window, KnownProfiles.Posix);

        // The page after the last write: 50 B of the first write, zeros up to the second's bytes;
        // with the shrink lost the file keeps its old size, the page's zeros past its end.
        Assert.Contains("f=2*50,0*150,3*100", states);
        Assert.Contains("f=2*50,0*150,3*100,0*212", states);
        Assert.DoesNotContain(states, s => s.Contains("2*100", StringComparison.Ordinal) && s.Contains('3'));
        Assert.DoesNotContain(states, s => s.StartsWith("f=1*200,3*100", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoAppendsIntoOneNewSector_NeverTheSecondsBytesAfterTheFirstsZeros()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Create("f").Fsync("f").FsyncDir().Append("f", 100, 2).Append("f", 100, 3);
        var window = run.Window(sectorSize: 512);

        // Posix: each append lost, kept, or only its size growth (zeros); a kept second append
        // writes the sector with the first's bytes in it. Before pages were whole, "0*100,3*100"
        // was a seventh state.
        Assert.Equal(["f=", "f=0*100", "f=0*200", "f=2*100", "f=2*100,0*100", "f=2*100,3*100"], CaseRun.States(window, KnownProfiles.Posix));
        Assert.Equal(["f=", "f=2*100,3*100"], CaseRun.States(window, KnownProfiles.Ext4Ordered));
    }

    /// <summary>
    /// LMDB's first open, through FUSE: data.mdb is created (its name never fsynced), written and
    /// fdatasynced, then a meta page is rewritten in part of a sector. The sector that later write
    /// keeps holds the synced bytes around it; reading the durable file as empty because its
    /// create is pending zeroed them, and a process kill (nothing lost) left "not an LMDB file".
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseRun.Backends), MemberType = typeof(CaseRun))]
    public void FileWhoseCreateIsPendingButDataSynced_KeptPartialSectorCarriesTheSyncedBytes(bool throughJournal)
    {
        using var run = new CaseRun(throughJournal);
        run.Create("f").Write("f", 0, 512, 1).Fdatasync("f").Write("f", 32, 100, 2);
        var window = run.Window(sectorSize: 512);
        var allKept = CaseRun.Assign(window, (_, _) => null);

        Assert.Equal("f=1*32,2*100,1*380", CaseRun.Show(window.Apply(allKept)));
        foreach (var profile in KnownProfiles.All)
            Assert.DoesNotContain(CaseRun.States(window, profile), s => s.StartsWith("f=0*32", StringComparison.Ordinal));
    }
}
