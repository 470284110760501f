using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>Every distinct crash state of a kill: counts on small known windows, dedup by bytes, the bound and the exhaustive mark.</summary>
public sealed class CrashEnumeratorTests
{
    private static readonly PosixProfile Posix = KnownProfiles.Posix;
    private static readonly Ext4OrderedProfile Ext4 = KnownProfiles.Ext4Ordered;

    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(3, 8, 4)]
    [InlineData(5, 32, 6)]
    public void Enumerate_UnsyncedCreates_PosixEverySubsetExt4EveryPrefix(int creates, int posix, int ext4)
    {
        using var run = Creates(creates);
        var window = run.Window();

        var all = CrashEnumerator.Enumerate(Posix, window);
        var ordered = CrashEnumerator.Enumerate(Ext4, window);

        Assert.Equal((posix, true), (all.States.Count, all.Exhaustive));
        Assert.Equal((ext4, true), (ordered.States.Count, ordered.Exhaustive));
        Assert.Equal($"{ext4} of {ext4} (exhaustive)", ordered.Summary);
    }

    [Fact]
    public void Enumerate_MoreStatesThanTheBound_SamplesAndSaysHowManyOfHowMany()
    {
        using var run = Creates(8);
        var window = run.Window();

        var sampled = CrashEnumerator.Enumerate(Posix, window, new EnumerationLimits { MaxStates = 64 });

        Assert.False(sampled.Exhaustive);
        Assert.Equal(64, sampled.States.Count);
        Assert.Equal(64, sampled.States.Select(s => s.Compose().Digest()).Distinct().Count());
        Assert.Equal("64 of about 256", sampled.Summary);
        Assert.All(sampled.States, s => Assert.True(Posix.Admits(window, s.Assignment)));
        Assert.True(CrashEnumerator.Enumerate(Ext4, window, new EnumerationLimits { MaxStates = 64 }).Exhaustive);
    }

    /// <summary>Past the walk's bound on partial choices visited, or on checking work (assignments weighed by the operations pending), the kill is sampled.</summary>
    [Theory]
    [InlineData(20, long.MaxValue)]
    [InlineData(int.MaxValue, 80)]
    public void Enumerate_PastAWalkBound_StopsAndSamples(int maxVisits, long maxLeafWork)
    {
        using var run = Creates(8);
        var window = run.Window();

        var bounded = CrashEnumerator.Enumerate(Posix, window, new EnumerationLimits { MaxStates = 1_000, MaxVisits = maxVisits, MaxLeafWork = maxLeafWork });

        Assert.False(bounded.Exhaustive);
        Assert.NotEmpty(bounded.States);
        Assert.InRange(bounded.Total, bounded.States.Count, double.MaxValue);
        Assert.All(bounded.States, s => Assert.True(Posix.Admits(window, s.Assignment)));
        Assert.True(CrashEnumerator.Enumerate(Posix, window, new EnumerationLimits { MaxStates = 1_000 }).Exhaustive);
    }

    /// <summary>
    /// The tries of a walk have one bound, <see cref="EnumerationLimits.MaxLeafWork"/>: lifted, a
    /// small window with more assignments than 20,000 (15 creates: 32,768) is walked to the end.
    /// </summary>
    [Fact]
    public void Enumerate_LeafWorkUnbounded_NoOtherBoundStopsTheTries()
    {
        using var run = Creates(15);
        var window = run.Window();

        var all = CrashEnumerator.Enumerate(Posix, window, new EnumerationLimits { MaxStates = 100_000, MaxVisits = int.MaxValue, MaxLeafWork = long.MaxValue });

        Assert.True(all.Exhaustive);
        Assert.Equal(1 << 15, all.States.Count);
    }

    [Fact]
    public void Enumerate_ChoicesThatLeaveTheSameBytes_CountOnce()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", 1024, 4).Write("f", 0, 1024, 4).Write("f", 0, 1024, 4);
        var window = run.Window();

        var states = CrashEnumerator.Enumerate(Posix, window);

        Assert.True(states.Exhaustive);
        Assert.Equal(["f=4*1024"], states.States.Select(s => CaseRun.Show(s.Compose())));
    }

    [Fact]
    public void Enumerate_TornWriteOverManySectors_IsSampledNotExhaustive()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", 4096, 1).Write("f", 0, 4096, 2);
        var window = run.Window(sectorSize: 512);

        var states = CrashEnumerator.Enumerate(Posix, window, new EnumerationLimits { MaxStates = 1000, TornSectors = 4 });

        Assert.False(states.Exhaustive);
        Assert.Equal(256, states.Total);
        Assert.Contains(states.States, s => CaseRun.Show(s.Compose()) == "f=1*4096");
        Assert.Contains(states.States, s => CaseRun.Show(s.Compose()) == "f=2*4096");
        Assert.True(CrashEnumerator.Enumerate(Posix, window, new EnumerationLimits { MaxStates = 1000, TornSectors = 8 }).Exhaustive);
    }

    [Fact]
    public void Enumerate_NothingPending_OneStateTheDurableOne()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", 10, 1);

        foreach (var profile in KnownProfiles.All)
        {
            var states = CrashEnumerator.Enumerate(profile, run.Window());
            Assert.Equal((1, true), (states.States.Count, states.Exhaustive));
        }
    }

    [Fact]
    public void Enumerate_SeededStatesOfAnExhaustiveWindow_AreAllAmongTheEnumerated()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("LOG", 700, 1).Create("tmp").Append("tmp", 900, 2).Append("LOG", 300, 3).Rename("tmp", "CURRENT").Fdatasync("LOG").Unlink("LOG");
        var window = run.Window(sectorSize: 4096);

        foreach (var profile in KnownProfiles.All)
        {
            var all = CrashEnumerator.Enumerate(profile, window, new EnumerationLimits { MaxStates = 4096 });
            Assert.True(all.Exhaustive, $"{profile}: {all.Summary}");
            var digests = all.States.Select(s => s.Compose().Digest()).ToHashSet();
            foreach (var mode in CrashModes.PowerLoss)
            {
                for (var seed = 0UL; seed < 50; seed++)
                    Assert.Contains(window.Apply(profile.Compose(window, mode, seed)).Digest(), digests);
            }
        }
    }

    [Fact]
    public void Enumerate_LargeFile_ToldApartByItsTouchedBytesAlone()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("seg", 4 << 20, 1).Write("seg", 3 << 20, 1024, 2).Write("seg", 0, 1024, 3);
        var window = run.Window(sectorSize: 1024);

        var states = CrashEnumerator.Enumerate(KnownProfiles.Ext4Ordered, window);

        Assert.True(states.Exhaustive);
        Assert.Equal(4, states.States.Count);
        Assert.Equal(4, states.States.Select(s => s.Compose().Digest()).Distinct().Count());
        Assert.Equal(states.States.Select(s => s.Fingerprint), CrashEnumerator.Enumerate(KnownProfiles.Ext4Ordered, window).States.Select(s => s.Fingerprint));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void EnumerateIfSmall_UnderTheBound_EveryState_AboveIt_OnlyHowMany(int creates)
    {
        using var run = Creates(creates);
        var window = run.Window();
        var limits = new EnumerationLimits { MaxStates = 64 };

        var full = CrashEnumerator.Enumerate(Posix, window, limits);
        var ifSmall = CrashEnumerator.EnumerateIfSmall(Posix, window, limits);

        Assert.Equal((full.Exhaustive, full.Total), (ifSmall.Exhaustive, ifSmall.Total));
        Assert.Equal(full.Exhaustive ? full.States.Select(s => s.Fingerprint) : [], ifSmall.States.Select(s => s.Fingerprint));
    }

    [Fact]
    public void EnumerateIfSmall_ATornWriteThatMustBeSampled_CountsItWithoutListingAny()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", 4096, 1).Write("f", 0, 4096, 2);
        var window = run.Window(sectorSize: 512);

        foreach (var profile in KnownProfiles.All)
        {
            var states = CrashEnumerator.EnumerateIfSmall(profile, window, new EnumerationLimits { MaxStates = 1000, TornSectors = 4 });

            Assert.Equal((false, 0, CrashEnumerator.Enumerate(profile, window, new EnumerationLimits { MaxStates = 1000, TornSectors = 4 }).Total), (states.Exhaustive, states.States.Count, states.Total));
        }
    }

    /// <summary>Creates f0..f(n-1), each its own unsynced directory entry.</summary>
    private static CaseRun Creates(int count)
    {
        var run = new CaseRun(throughJournal: false);
        for (var i = 0; i < count; i++)
            run.Create($"f{i}");
        return run;
    }
}
