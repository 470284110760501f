using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// Why ext4 (data=ordered) cannot leave a state, in sentences a storage engineer can check
/// against the case's timeline: "the rename of tmp over CURRENT (op 21) was lost while the later
/// unlink of MANIFEST-1 (op 23) survived; ext4's journal keeps these in order".
/// </summary>
internal sealed class Ext4Reasons(CrashWindow window, Ext4Layout layout)
{
    public List<string> Explain(CrashAssignment state)
    {
        var reasons = new List<string>();
        var pending = window.Pending;
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].Fate == Fate.Lost && state[i].Survives)
                reasons.Add($"{Name(i)} survived though a failed fsync had dropped it");
            else if (layout.Committed(i) && !layout.JournalSurvives(i, state[i]))
                reasons.Add(Committed(i));
        }

        reasons.AddRange(OutOfOrder(state));
        for (var i = 0; i < pending.Count; i++)
        {
            if (!layout.Free(i) || pending[i] is not WriteOp write)
                continue;
            var reached = state[i].ReachedEnd(write, window.SectorSize);
            if (layout.GrowthJournaled(i) && reached > 0 && reached < write.End)
                reasons.Add($"{Name(i)} left the file {reached} B long, between its old and new size; ext4 journals that growth whole or not at all");
        }

        reasons.AddRange(NewBlocks(state));
        return reasons;
    }

    private string Name(int i) => window.Names.Describe(window.Pending[i]);

    private string Committed(int i)
    {
        var barrier = layout.CommitterOf(window.Pending[i])!;
        var why = barrier.Kind switch
        {
            SyncKind.Fdatasync => "an fdatasync commits ext4's journal up to the file's last change of size or allocation",
            SyncKind.Fsync => "an fsync commits ext4's journal up to the file's last change",
            _ => "a directory fsync commits ext4's journal up to the directory's last change",
        };
        return $"{Name(i)} was lost though {window.Names.Describe(barrier)} had made it durable on ext4 ({why})";
    }

    /// <summary>The first journaled operation lost before a later one that survived.</summary>
    private IEnumerable<string> OutOfOrder(CrashAssignment state)
    {
        int? lost = null;
        for (var i = 0; i < window.Pending.Count; i++)
        {
            if (!layout.Ordered(i))
                continue;
            if (!layout.JournalSurvives(i, state[i]))
            {
                lost ??= i;
            }
            else if (lost is { } earlier)
            {
                yield return $"{Name(earlier)} was lost while the later {Name(i)["the ".Length..]} survived; ext4's journal keeps these in order";
                yield break;
            }
        }
    }

    private IEnumerable<string> NewBlocks(CrashAssignment state)
    {
        var files = Enumerable.Range(0, window.Pending.Count).Where(i => layout.New(i).Count > 0 && layout.Free(i)).GroupBy(i => window.Pending[i].Inode);
        foreach (var file in files)
        {
            var decided = layout.NewBlockSectors(file, i => state[i]);
            var gap = decided.Values.SkipWhile(kept => kept).Contains(true);
            foreach (var i in file)
            {
                var write = (WriteOp)window.Pending[i];
                var kept = state[i].Sectors.ToHashSet();
                var outOfOrder = layout.New(i).SkipWhile(kept.Contains).Any(kept.Contains);
                var zeros = state[i].SizeEnd != null;
                var bareInPlace = !layout.New(i).Any(kept.Contains) && state[i].Sectors.Any(layout.Extending(i).Contains);
                var mine = layout.NewBlockSectors([i], j => state[j]);
                var disagrees = mine.Any(m => decided[m.Key] != m.Value);
                if (outOfOrder || zeros || bareInPlace || gap || disagrees)
                {
                    var what = zeros ? "grew the file past the bytes that reached new blocks (zeros there)"
                        : bareInPlace ? "made the file longer without the new blocks it appends"
                        : disagrees ? "reached new blocks that an earlier write over the same sectors did not (both sit in one page until written back)"
                        : "kept bytes in new blocks after others that were lost";
                    yield return $"{Name(i)} {what}; on ext4 a file keeps a prefix of the bytes it appends into new blocks, its size covering exactly them";
                    break;
                }
            }
        }
    }
}
