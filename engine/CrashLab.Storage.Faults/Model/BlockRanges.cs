namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// A set of block numbers kept as sorted, disjoint half-open ranges, so that a 64 MiB
/// preallocation is one range and not 16,384 blocks.
/// </summary>
public sealed class BlockRanges
{
    private List<(long Start, long End)> _ranges = [];

    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Adds the blocks [<paramref name="start"/>, <paramref name="end"/>), merging touching ranges.</summary>
    public void Add(long start, long end)
    {
        if (end <= start)
            return;
        var kept = new List<(long Start, long End)>(_ranges.Count + 1);
        foreach (var range in _ranges)
        {
            if (range.End < start || range.Start > end)
                kept.Add(range);
            else
                (start, end) = (Math.Min(start, range.Start), Math.Max(end, range.End));
        }

        kept.Add((start, end));
        kept.Sort();
        _ranges = kept;
    }

    /// <summary>Removes the blocks [<paramref name="start"/>, <paramref name="end"/>); true when any of them was in the set.</summary>
    public bool Remove(long start, long end)
    {
        if (end <= start)
            return false;
        var hit = false;
        var kept = new List<(long Start, long End)>(_ranges.Count + 1);
        foreach (var range in _ranges)
        {
            if (range.End <= start || range.Start >= end)
            {
                kept.Add(range);
                continue;
            }

            hit = true;
            if (range.Start < start)
                kept.Add((range.Start, start));
            if (range.End > end)
                kept.Add((end, range.End));
        }

        _ranges = kept;
        return hit;
    }
}
