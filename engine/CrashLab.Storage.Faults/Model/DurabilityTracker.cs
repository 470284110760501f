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
    private readonly PendingOrder _pending = new();

    /// <summary>Each file's pending data and size changes, in issue order: what its fsync or fdatasync may settle.</summary>
    private readonly Dictionary<long, List<PendingOp>> _byInode = [];

    /// <summary>Each directory's pending entry changes, in issue order: what its fsync may settle.</summary>
    private readonly Dictionary<string, List<PendingOp>> _byDirectory = new(StringComparer.Ordinal);

    /// <summary>The operations not yet durable, in issue order.</summary>
    public IReadOnlyList<PendingOp> Pending => _pending.Items;

    public ChangeHistory History { get; } = new();

    public void Add(PendingOp op)
    {
        History.Note(op);
        _pending.Add(op);
        if (op.Inode is { } inode)
            GroupOf(_byInode, inode).Add(op);
        if (op.Directory is { } directory)
            GroupOf(_byDirectory, directory).Add(op);
    }

    /// <summary>The history as data, with each pending write's settled length, for a journal compaction.</summary>
    public HistorySnapshot SnapshotHistory()
        => History.Snapshot() with { WriteSettled = [.. Pending.OfType<WriteOp>().Select(w => (w.Sequence, w.SettledLength))] };

    /// <summary>Puts back <see cref="SnapshotHistory"/> after the pending operations were replayed.</summary>
    public void RestoreHistory(HistorySnapshot snapshot)
    {
        History.Restore(snapshot);
        var settled = snapshot.WriteSettled.ToDictionary(w => w.Sequence, w => w.Settled);
        foreach (var write in Pending.OfType<WriteOp>())
        {
            if (settled.TryGetValue(write.Sequence, out var length))
                write.SettledLength = length;
        }
    }

    /// <summary>Forgets an operation that was recorded but never issued.</summary>
    public void Withdraw(PendingOp op)
    {
        _pending.Remove(op);
        Unindex(op, except: null);
    }

    /// <summary>Ops made durable, in order; they leave the pending list unless a doomed write on their inode precedes them.</summary>
    /// <param name="sequence">The number of the last operation issued before the sync.</param>
    public List<PendingOp> DataSync(long inode, long sequence)
    {
        History.Synced(sequence, inode, dataOnly: true);
        if (!_byInode.TryGetValue(inode, out var ops))
            return Settled([]);
        // fdatasync settles the writes, and any size change issued before the last write it waits for.
        var lastWrite = ops.FindLastIndex(op => op is WriteOp && op.Fate != Fate.Lost);
        return Settle(ops, (op, i) => op is WriteOp || i < lastWrite);
    }

    public List<PendingOp> Sync(long inode, long sequence)
    {
        History.Synced(sequence, inode, dataOnly: false);
        return _byInode.TryGetValue(inode, out var ops) ? Settle(ops, static (_, _) => true) : Settled([]);
    }

    public List<PendingOp> SyncDirectory(string directory, long sequence)
    {
        History.SyncedDirectory(sequence, directory);
        return _byDirectory.TryGetValue(directory, out var ops) ? Settle(ops, static (_, _) => true) : Settled([]);
    }

    /// <summary>fsync/fdatasync of the inode failed: its pending writes will be lost at power loss.</summary>
    public void SyncFailed(long inode)
    {
        if (!_byInode.TryGetValue(inode, out var ops))
            return;
        foreach (var op in ops)
        {
            if (op.Fate == Fate.Free)
                op.Fate = Fate.Lost;
        }
    }

    /// <summary>
    /// Settles the covered operations of one file's or one directory's <paramref name="ops"/>
    /// (index within them given): a free one becomes durable, unless a doomed (lost) write on its
    /// inode came before it, which keeps it listed. Only this group is visited: a sync can only
    /// settle its own file's or directory's operations.
    /// </summary>
    private List<PendingOp> Settle(List<PendingOp> ops, Func<PendingOp, int, bool> covered)
    {
        var durable = new List<PendingOp>();
        HashSet<long>? doomedInodes = null;
        var kept = 0;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.Fate == Fate.Lost && op.Inode is { } doomed)
                (doomedInodes ??= []).Add(doomed);
            if (!covered(op, i) || op.Fate != Fate.Free)
            {
                ops[kept++] = op;
            }
            else if (op.Inode is { } inode && doomedInodes?.Contains(inode) == true)
            {
                op.Fate = Fate.Kept;
                ops[kept++] = op;
            }
            else
            {
                durable.Add(op);
            }
        }

        ops.RemoveRange(kept, ops.Count - kept);
        foreach (var op in durable)
        {
            _pending.Remove(op);
            Unindex(op, except: ops);
        }

        return Settled(durable);
    }

    private List<PendingOp> Settled(List<PendingOp> durable)
    {
        History.Prune(_pending.Oldest()?.Sequence ?? long.MaxValue);
        return durable;
    }

    /// <summary>Takes <paramref name="op"/> out of its file's and directory's groups, but for <paramref name="except"/> (already done).</summary>
    private void Unindex(PendingOp op, List<PendingOp>? except)
    {
        if (op.Inode is { } inode)
            Ungroup(_byInode, inode, op, except);
        if (op.Directory is { } directory)
            Ungroup(_byDirectory, directory, op, except);
    }

    private static void Ungroup<TKey>(Dictionary<TKey, List<PendingOp>> groups, TKey key, PendingOp op, List<PendingOp>? except)
        where TKey : notnull
    {
        if (!groups.TryGetValue(key, out var ops))
            return;
        if (!ReferenceEquals(ops, except))
            ops.Remove(op);
        if (ops.Count == 0)
            groups.Remove(key);
    }

    private static List<PendingOp> GroupOf<TKey>(Dictionary<TKey, List<PendingOp>> groups, TKey key)
        where TKey : notnull
        => groups.TryGetValue(key, out var ops) ? ops : groups[key] = [];
}
