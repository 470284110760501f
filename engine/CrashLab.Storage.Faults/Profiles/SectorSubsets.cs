using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// The subsets of a write's sectors that an enumeration tries: all of them when there are few
/// sectors, else a sample (none, all, every prefix and suffix, each single sector lost, and a
/// few seeded ones), which is then marked incomplete.
/// </summary>
public static class SectorSubsets
{
    private const int Seeded = 8;

    public static (List<int[]> Subsets, bool Complete) Of(IReadOnlyList<int> sectors, int limit, ulong seed)
    {
        if (sectors.Count <= limit)
            return (All(sectors), true);
        List<int[]> subsets = [[], [.. sectors]];
        for (var k = 1; k < sectors.Count; k++)
        {
            subsets.Add([.. sectors.Take(k)]);
            subsets.Add([.. sectors.Skip(k)]);
            subsets.Add([.. sectors.Where((_, i) => i != k)]);
        }

        var random = new SplitMix(seed);
        for (var n = 0; n < Seeded; n++)
            subsets.Add([.. sectors.Where(_ => random.Coin())]);
        return (subsets, false);
    }

    /// <summary>How many subsets there are in all (2^n, as a double: it may be huge).</summary>
    public static double Count(int sectors) => Math.Pow(2, sectors);

    private static List<int[]> All(IReadOnlyList<int> sectors)
    {
        var all = new List<int[]>(1 << sectors.Count);
        for (var mask = 0; mask < 1 << sectors.Count; mask++)
            all.Add([.. sectors.Where((_, i) => (mask & (1 << i)) != 0)]);
        return all;
    }
}
