using System.Globalization;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Which share of a campaign's chains this run does: chain k of every scenario belongs to shard
/// k mod Count. Chain seeds depend only on the campaign seed, the scenario and k, so shards are
/// disjoint, together cover every chain, and give the same chains an unsharded run would.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static Shard Whole => new(0, 1);

    public bool IsWhole => Count == 1;

    public bool Owns(int chain) => chain % Count == Index;

    /// <summary>The n-th chain number this shard runs.</summary>
    public int Chain(int n) => Index + (n * Count);

    /// <summary>"i/N" with 0 ≤ i &lt; N.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || count > 10_000 || index >= count)
            throw new FormatException($"--shard '{text}' must be i/N with 0 <= i < N (e.g. 0/4 .. 3/4)");
        return new Shard(index, count);
    }

    public override string ToString() => $"{Index}/{Count}";
}
