namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// What the operations say about order, beyond the posix pending list: the last change to each
/// file and directory, each file's last change of size or allocation (what an fdatasync waits
/// for), each file's settled length (as of its last successful sync: what the file system has
/// written back and allocated) and its preallocated blocks not yet written, and the successful
/// syncs that a profile with a journal (ext4-ordered) turns into commit points. Kept by
/// <see cref="DurabilityTracker"/>, so the simulated disk and the journal (in process and through
/// FUSE) record it identically.
/// </summary>
public sealed class ChangeHistory
{
    /// <summary>The allocation unit whose growth counts as "moving the allocation" (ext4's and XFS's default block).</summary>
    public const int BlockSize = 4096;

    /// <summary>Per file: its last change of any kind, and its last change of size or allocation (0: none known).</summary>
    private readonly Dictionary<long, (long Last, long LastAllocation)> _fileChanges = [];
    private readonly Dictionary<string, long> _directoryChanges = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _settled = [];
    private readonly Dictionary<long, long> _length = [];

    /// <summary>Per file, blocks a size change added and no write has filled yet (preallocated, unwritten, or a hole).</summary>
    private readonly Dictionary<long, BlockRanges> _unwritten = [];
    private readonly List<SyncBarrier> _barriers = [];

    /// <summary>The oldest pending operation at the last <see cref="Prune"/>, and how many barriers it left (each reaching that far).</summary>
    private long _prunedAt = long.MinValue;
    private int _barriersPruned;

    /// <summary>Successful syncs that may still commit a pending operation, oldest first.</summary>
    public IReadOnlyList<SyncBarrier> Barriers => _barriers;

    public static long RoundUpToBlock(long length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>Notes a new operation (before it joins the pending list); gives a write its settled length.</summary>
    public void Note(PendingOp op)
    {
        switch (op)
        {
            case WriteOp write:
            {
                var inode = write.Inode!.Value;
                var settled = _settled.TryAdd(inode, write.OldLength) ? write.OldLength : _settled[inode];
                write.SettledLength = settled;
                // A write into blocks a size change added converts them (an unwritten extent made
                // written, or a hole allocated): a change of allocation, journaled, like growth.
                var fills = _unwritten.TryGetValue(inode, out var unwritten) && unwritten.Remove(write.Offset / BlockSize, RoundUpToBlock(write.End) / BlockSize);
                var moved = write.End > write.OldLength || write.End > RoundUpToBlock(settled) || fills;
                Changed(inode, op.Sequence, moved);
                _length[inode] = Math.Max(write.OldLength, write.End);
                break;
            }

            case SetLengthOp resize:
            {
                var inode = resize.Inode!.Value;
                _settled.TryAdd(inode, resize.OldLength);
                var (before, after) = (RoundUpToBlock(resize.OldLength) / BlockSize, RoundUpToBlock(resize.Length) / BlockSize);
                if (after > before)
                    Unwritten(inode).Add(before, after);
                else
                    Unwritten(inode).Remove(after, long.MaxValue);
                Changed(inode, op.Sequence, resize.Length != resize.OldLength);
                _length[inode] = resize.Length;
                break;
            }

            case CreateOp create:
                // ext4 sets a new inode's datasync transaction to its create's (ext4_new_inode):
                // an fdatasync of a file created in the window commits its create.
                _settled.TryAdd(create.CreatedInode, 0);
                _unwritten.Remove(create.CreatedInode);
                Changed(create.CreatedInode, op.Sequence, true);
                _directoryChanges[PendingOp.ParentOf(create.Path)] = op.Sequence;
                break;
            case RenameOp rename:
                Changed(rename.Moved, op.Sequence, false);
                _directoryChanges[PendingOp.ParentOf(rename.From)] = op.Sequence;
                _directoryChanges[PendingOp.ParentOf(rename.To)] = op.Sequence;
                break;
            case UnlinkOp unlink:
                Changed(unlink.Unlinked, op.Sequence, false);
                _directoryChanges[PendingOp.ParentOf(unlink.Path)] = op.Sequence;
                break;
        }
    }

    /// <summary>
    /// A successful fsync or fdatasync of a file after operation <paramref name="sequence"/>: an
    /// fsync waits for the file's last change, an fdatasync for its last change of size or
    /// allocation (ext4's i_sync_tid and i_datasync_tid), whatever came after it.
    /// </summary>
    public void Synced(long sequence, long inode, bool dataOnly)
    {
        if (_length.TryGetValue(inode, out var length))
            _settled[inode] = length;
        if (_fileChanges.TryGetValue(inode, out var change))
            _barriers.Add(new SyncBarrier(sequence, dataOnly ? SyncKind.Fdatasync : SyncKind.Fsync, inode, null, dataOnly ? change.LastAllocation : change.Last));
    }

    /// <summary>A successful fsync of a directory after operation <paramref name="sequence"/>.</summary>
    public void SyncedDirectory(long sequence, string directory)
    {
        if (_directoryChanges.TryGetValue(directory, out var last))
            _barriers.Add(new SyncBarrier(sequence, SyncKind.DirectoryFsync, null, directory, last));
    }

    /// <summary>Drops barriers that reach no pending operation (every operation up to their last change is durable).</summary>
    public void Prune(long oldestPending)
    {
        // Every barrier older than the last prune reaches its oldest pending operation; while that
        // oldest stays (a file never synced), only the barriers added since need a look, so a sync
        // does not pay for every sync before it.
        var from = oldestPending <= _prunedAt ? _barriersPruned : 0;
        var kept = from;
        for (var i = from; i < _barriers.Count; i++)
        {
            if (_barriers[i].LastChange >= oldestPending)
                _barriers[kept++] = _barriers[i];
        }

        _barriers.RemoveRange(kept, _barriers.Count - kept);
        (_prunedAt, _barriersPruned) = (oldestPending, kept);
    }

    /// <summary>Everything needed to carry the history across a journal compaction (see <see cref="Restore"/>).</summary>
    public HistorySnapshot Snapshot() => new(
        [.. _fileChanges.Select(c => (c.Key, c.Value.Last, c.Value.LastAllocation))],
        [.. _directoryChanges.Select(c => (c.Key, c.Value))],
        [.. _settled.Select(s => (s.Key, s.Value, _length.TryGetValue(s.Key, out var live) ? live : s.Value))],
        [.. _barriers],
        [],
        [.. _unwritten.SelectMany(u => u.Value.Ranges.Select(r => (u.Key, r.Start, r.End)))]);

    /// <summary>Puts back a snapshot, after the pending operations it was taken with were replayed (it overrides what they said).</summary>
    public void Restore(HistorySnapshot snapshot)
    {
        foreach (var (inode, last, lastAllocation) in snapshot.FileChanges)
            _fileChanges[inode] = (last, lastAllocation);
        foreach (var (directory, sequence) in snapshot.DirectoryChanges)
            _directoryChanges[directory] = sequence;
        foreach (var (inode, settled, length) in snapshot.Lengths)
            (_settled[inode], _length[inode]) = (settled, length);
        _barriers.AddRange(snapshot.Barriers);
        (_prunedAt, _barriersPruned) = (long.MinValue, 0);
        _unwritten.Clear();
        foreach (var (inode, start, end) in snapshot.Unwritten)
            Unwritten(inode).Add(start, end);
    }

    private void Changed(long inode, long sequence, bool sizeOrAllocation)
        => _fileChanges[inode] = (sequence, sizeOrAllocation ? sequence : _fileChanges.GetValueOrDefault(inode).LastAllocation);

    private BlockRanges Unwritten(long inode) => _unwritten.TryGetValue(inode, out var ranges) ? ranges : _unwritten[inode] = new BlockRanges();
}

/// <summary>A <see cref="ChangeHistory"/> as plain data (for the journal's compaction record).</summary>
public sealed record HistorySnapshot(
    IReadOnlyList<(long Inode, long Last, long LastAllocation)> FileChanges,
    IReadOnlyList<(string Directory, long Sequence)> DirectoryChanges,
    IReadOnlyList<(long Inode, long Settled, long Length)> Lengths,
    IReadOnlyList<SyncBarrier> Barriers,
    IReadOnlyList<(long Sequence, long Settled)> WriteSettled,
    IReadOnlyList<(long Inode, long Start, long End)> Unwritten);
