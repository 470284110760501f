namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// The persistence model's bookkeeping, shared by the simulated disk and the journal so both
/// decide durability identically:
/// fdatasync makes an inode's writes durable (with any size change issued before its last
/// write); fsync makes every data and size change of the inode durable; a directory fsync makes
/// that directory's creates, renames and unlinks durable. A failed fsync dooms the inode's
/// pending writes (Linux drops the dirty state and reports the error once).
/// That is the posix profile's bookkeeping; <see cref="History"/> keeps what stronger profiles
/// (ext4-ordered) need on top: the order of changes and the successful syncs.
/// </summary>
public sealed class DurabilityTracker
{
    private readonly List<PendingOp> _pending = [];

    public IReadOnlyList<PendingOp> Pending => _pending;

    public ChangeHistory History { get; } = new();

    public void Add(PendingOp op)
    {
        History.Note(op);
        _pending.Add(op);
    }

    /// <summary>The history as data, with each pending write's settled length, for a journal compaction.</summary>
    public HistorySnapshot SnapshotHistory()
        => History.Snapshot() with { WriteSettled = [.. _pending.OfType<WriteOp>().Select(w => (w.Sequence, w.SettledLength))] };

    /// <summary>Puts back <see cref="SnapshotHistory"/> after the pending operations were replayed.</summary>
    public void RestoreHistory(HistorySnapshot snapshot)
    {
        History.Restore(snapshot);
        var settled = snapshot.WriteSettled.ToDictionary(w => w.Sequence, w => w.Settled);
        foreach (var write in _pending.OfType<WriteOp>())
        {
            if (settled.TryGetValue(write.Sequence, out var length))
                write.SettledLength = length;
        }
    }

    /// <summary>Forgets an operation that was recorded but never issued.</summary>
    public void Withdraw(PendingOp op) => _pending.Remove(op);

    /// <summary>Ops made durable, in order; they leave the pending list unless a doomed write on their inode precedes them.</summary>
    /// <param name="sequence">The number of the last operation issued before the sync.</param>
    public List<PendingOp> DataSync(long inode, long sequence)
    {
        History.Synced(sequence, inode, dataOnly: true);
        var lastWrite = _pending.FindLastIndex(op => op is WriteOp && op.Inode == inode && op.Fate != Fate.Lost);
        return Settle(i => _pending[i].Inode == inode && (_pending[i] is WriteOp || i < lastWrite));
    }

    public List<PendingOp> Sync(long inode, long sequence)
    {
        History.Synced(sequence, inode, dataOnly: false);
        return Settle(i => _pending[i].Inode == inode);
    }

    public List<PendingOp> SyncDirectory(string directory, long sequence)
    {
        History.SyncedDirectory(sequence, directory);
        return Settle(i => _pending[i].Directory == directory);
    }

    /// <summary>fsync/fdatasync of the inode failed: its pending writes will be lost at power loss.</summary>
    public void SyncFailed(long inode)
    {
        foreach (var op in _pending)
        {
            if (op.Inode == inode && op.Fate == Fate.Free)
                op.Fate = Fate.Lost;
        }
    }

    private List<PendingOp> Settle(Func<int, bool> covered)
    {
        var durable = new List<PendingOp>();
        var doomedInodes = new HashSet<long>();
        var kept = new List<PendingOp>(_pending.Count);
        for (var i = 0; i < _pending.Count; i++)
        {
            var op = _pending[i];
            if (op.Fate == Fate.Lost && op.Inode is { } doomed)
                doomedInodes.Add(doomed);
            if (!covered(i) || op.Fate != Fate.Free)
            {
                kept.Add(op);
                continue;
            }

            if (op.Inode is { } inode && doomedInodes.Contains(inode))
            {
                op.Fate = Fate.Kept;
                kept.Add(op);
            }
            else
            {
                durable.Add(op);
            }
        }

        _pending.Clear();
        _pending.AddRange(kept);
        History.Prune(_pending.Count > 0 ? _pending[0].Sequence : long.MaxValue);
        return durable;
    }
}
