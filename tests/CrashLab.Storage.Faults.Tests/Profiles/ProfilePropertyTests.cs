using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Simulation;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// Properties of the profiles over random operation scripts (creates, writes, size changes,
/// syncs, renames, unlinks). FsCheck prints the failing script and seed, with its replay seed.
/// </summary>
public sealed class ProfilePropertyTests
{
    [Property(MaxTest = 30)]
    public void SeededStates_AreAdmittedByTheProfileThatComposedThem(ulong script, ulong seed)
    {
        var window = Window(script, 30, 512);
        foreach (var profile in KnownProfiles.All)
        {
            foreach (var mode in CrashModes.PowerLoss)
            {
                var state = profile.Compose(window, mode, seed);
                Assert.True(profile.Admits(window, state), $"{profile} {mode.Name()} seed {seed}: {string.Join("; ", profile.Objections(window, state))}");
            }
        }
    }

    [Property(MaxTest = 30)]
    public void Ext4States_AreAdmittedByPosix(ulong script, ulong seed)
    {
        var window = Window(script, 24, 512);
        var ext4 = CrashEnumerator.Enumerate(KnownProfiles.Ext4Ordered, window, new EnumerationLimits { MaxStates = 64 });
        var seeded = CrashModes.PowerLoss.Select(mode => KnownProfiles.Ext4Ordered.Compose(window, mode, seed));
        foreach (var state in ext4.States.Select(s => s.Assignment).Concat(seeded))
        {
            Assert.Empty(KnownProfiles.Posix.Objections(window, state));
            Assert.Equal(["posix", "ext4-ordered"], ProfileAdmission.Of(window, state).AdmittedBy);
        }
    }

    [Property(MaxTest = 30)]
    public void PosixStatesExt4Rejects_SayWhyInASentence(ulong script, ulong seed)
    {
        var window = Window(script, 24, 512);
        var state = KnownProfiles.Posix.Compose(window, CrashMode.RandomSubset, seed);
        var admission = ProfileAdmission.Of(window, state);
        Assert.Contains("posix", admission.AdmittedBy);
        if (admission.PosixOnly)
            Assert.Matches(@"^the .+ \(op \d+\).+ext4", admission.PosixOnlyBecause);
    }

    /// <summary>The walk prunes: a brute force over every combination of allowed outcomes finds no state it skipped.</summary>
    [Fact]
    public void Enumerate_SmallWindows_FindsEveryStateABruteForceFinds()
    {
        var forced = 0;
        for (var script = 1UL; script <= 40; script++)
        {
            var window = Window(script, 7, 4096);
            foreach (var profile in KnownProfiles.All)
            {
                var limits = new EnumerationLimits { MaxStates = 100_000, MaxVisits = 1_000_000, MaxLeafWork = long.MaxValue };
                var choices = Enumerable.Range(0, window.Pending.Count).Select(i => profile.Choices(window, i, limits)).ToList();
                if (choices.Aggregate(1.0, (n, c) => n * c.Outcomes.Count) > 20_000)
                    continue;
                var brute = Combinations(choices).Select(o => new CrashAssignment(o)).Where(a => profile.Admits(window, a))
                    .Select(a => window.Apply(a).Digest()).ToHashSet();
                var walked = CrashEnumerator.Enumerate(profile, window, limits);
                Assert.True(walked.Exhaustive, $"script {script} {profile}: {walked.Summary}");
                Assert.Equal(brute.Order(), walked.States.Select(s => s.Compose().Digest()).Order());
                forced++;
            }
        }

        Assert.True(forced >= 40, $"only {forced} windows were small enough to brute-force");
    }

    private static CrashWindow Window(ulong script, int ops, int sectorSize)
    {
        var disk = new SimulatedDisk("/sim");
        disk.CreateDirectory("/sim");
        OpScript.Random(script, ops).Run(disk, "/sim");
        return disk.Window(sectorSize);
    }

    private static IEnumerable<OpOutcome[]> Combinations(List<OpChoices> choices)
    {
        IEnumerable<OpOutcome[]> all = [[]];
        foreach (var choice in choices)
            all = all.SelectMany(prefix => choice.Outcomes.Select(o => (OpOutcome[])[.. prefix, o]));
        return all;
    }
}
