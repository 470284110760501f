namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// The byte ranges of each file that a kill's pending operations may change: outside them, every
/// crash state of the kill holds the same bytes (the durable ones, which the data directory the
/// kill left holds too). A write may change its own bytes and, from its old end on, the hole it
/// opens; a size change everything from the shorter of its two lengths on.
/// </summary>
public static class TouchedRanges
{
    /// <param name="sectorSize">Writes are widened to whole sectors of this size (a kept sector carries the earlier writes' bytes around the write's own); 1 for a write's own bytes.</param>
    public static Dictionary<long, List<(long Start, long End)>> Of(IEnumerable<PendingOp> pending, int sectorSize)
    {
        var ranges = new Dictionary<long, List<(long Start, long End)>>();
        foreach (var op in pending)
        {
            (long, long)? range = op switch
            {
                WriteOp write => (Math.Min(write.Offset / sectorSize * sectorSize, write.OldLength), (write.End + sectorSize - 1) / sectorSize * sectorSize),
                SetLengthOp resize => (Math.Min(resize.Length, resize.OldLength), long.MaxValue),
                _ => null,
            };
            if (range is { } r && op.Inode is { } inode)
                (ranges.TryGetValue(inode, out var list) ? list : ranges[inode] = []).Add(r);
        }

        return ranges;
    }
}
