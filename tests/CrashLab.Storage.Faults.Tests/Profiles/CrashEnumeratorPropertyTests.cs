using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Simulation;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// The enumerator against a brute force that knows nothing of how it walks: every outcome the
/// model allows an operation (a name or size change lost or kept; a write's every subset of
/// sectors, with the file's size left at its old end, at any sector boundary inside the write,
/// or at its end), every combination of them, filtered by the profile's own admission and
/// deduplicated by the bytes the state leaves. Under the campaign's default bound the enumerator
/// must find exactly those states and mark the kill exhaustive; above it, it must say it sampled
/// and check only states the brute force admits. FsCheck prints the failing script and its replay seed.
/// </summary>
public sealed class CrashEnumeratorPropertyTests
{
    /// <summary>Past this many combinations the brute force takes too long for a property run; the script then shrinks to fewer operations.</summary>
    private const double BruteForceLimit = 20_000;

    [Property(MaxTest = 40)]
    public void Enumerate_TinyWindows_UnderTheBoundEveryAdmittedStateAboveItAnHonestSample(ulong script, bool smallSectors)
    {
        var limits = EnumerationLimits.Default;
        foreach (var (window, candidates) in TinyWindows(script, smallSectors ? 512 : 4096))
        {
            foreach (var profile in KnownProfiles.All)
            {
                var brute = Combinations(candidates).Select(o => new CrashAssignment(o)).Where(a => profile.Admits(window, a))
                    .Select(a => window.Apply(a).Digest()).ToHashSet(StringComparer.Ordinal);
                var enumeration = CrashEnumerator.Enumerate(profile, window, limits);
                var found = enumeration.States.Select(s => s.Compose().Digest()).ToList();
                var what = $"script {script}, sector {window.SectorSize}, {window.Pending.Count} pending, {profile}: {enumeration.Summary}, brute force {brute.Count}";

                Assert.True(found.Distinct().Count() == found.Count, $"{what}: a state listed twice");
                Assert.True(found.All(brute.Contains), $"{what}: a state the profile does not admit");
                if (brute.Count <= limits.MaxStates && Small(window, limits))
                {
                    Assert.True(enumeration.Exhaustive, $"{what}: not marked exhaustive under the bound");
                    Assert.True(brute.SetEquals(found), $"{what}: an admitted state was skipped");
                    Assert.Equal($"{brute.Count} of {brute.Count} (exhaustive)", enumeration.Summary);
                }
                else if (!enumeration.Exhaustive)
                {
                    Assert.StartsWith($"{found.Count} of ", enumeration.Summary, StringComparison.Ordinal);
                    Assert.InRange(found.Count, 1, limits.MaxStates);
                    Assert.True(enumeration.Total >= Math.Min(brute.Count, limits.MaxStates + 1) || !Small(window, limits), $"{what}: says {enumeration.Total} in all");
                }
                else
                {
                    Assert.True(brute.SetEquals(found), $"{what}: marked exhaustive without every state");
                }
            }
        }
    }

    /// <summary>The script's window, and the shorter ones its prefixes leave, while the brute force over them stays small.</summary>
    private static IEnumerable<(CrashWindow Window, List<List<OpOutcome>> Candidates)> TinyWindows(ulong script, int sectorSize)
    {
        for (var ops = 8; ops >= 1; ops--)
        {
            var disk = new SimulatedDisk("/sim");
            disk.CreateDirectory("/sim");
            OpScript.Random(script, ops).Run(disk, "/sim");
            var window = disk.Window(sectorSize);
            var candidates = window.Pending.Select(op => Candidates(op, sectorSize)).ToList();
            if (candidates.Aggregate(1.0, (n, c) => n * c.Count) <= BruteForceLimit)
                return [(window, candidates)];
        }

        return [];
    }

    /// <summary>Every outcome the fault model allows one operation, ignoring every other operation and the profile.</summary>
    private static List<OpOutcome> Candidates(PendingOp op, int sectorSize)
    {
        if (op.Fate == Fate.Lost)
            return [OpOutcome.Lost];
        if (op.Fate == Fate.Kept)
            return [OpOutcome.Whole(op, sectorSize)];
        if (op is not WriteOp write)
            return [OpOutcome.Lost, OpOutcome.Kept];
        var sectors = write.Sectors(sectorSize);
        var sizeEnds = new List<long?> { null };
        for (var end = (write.OldLength / sectorSize + 1) * sectorSize; end < write.End; end += sectorSize)
            sizeEnds.Add(end);
        sizeEnds.Add(write.End);
        var outcomes = new List<OpOutcome>();
        for (var mask = 0; mask < 1 << sectors; mask++)
        {
            var kept = Enumerable.Range(0, sectors).Where(s => (mask & (1 << s)) != 0).ToList();
            outcomes.AddRange(sizeEnds.Select(end => OpOutcome.Write(write, kept, end, sectorSize)));
        }

        return [.. outcomes.Distinct()];
    }

    /// <summary>Every write's sectors and sizes within the bound's torn-write and prefix limits (else the enumerator rightly samples).</summary>
    private static bool Small(CrashWindow window, EnumerationLimits limits)
        => window.Pending.OfType<WriteOp>().All(w => w.Fate != Fate.Free || (w.Sectors(window.SectorSize) <= limits.TornSectors && (w.End - w.OldLength) / window.SectorSize + 2 <= limits.PrefixCuts));

    private static IEnumerable<OpOutcome[]> Combinations(List<List<OpOutcome>> candidates)
    {
        IEnumerable<OpOutcome[]> all = [[]];
        foreach (var choice in candidates)
            all = all.SelectMany(prefix => choice.Select(o => (OpOutcome[])[.. prefix, o]));
        return all;
    }
}
