namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// What the operations say about order, beyond the posix pending list: the last change to each
/// file and directory, each file's settled length (as of its last successful sync: what the file
/// system has written back and allocated), and the successful syncs that a profile with a
/// journal (ext4-ordered) turns into commit points. Kept by <see cref="DurabilityTracker"/>, so
/// the simulated disk and the journal (in process and through FUSE) record it identically.
/// </summary>
public sealed class ChangeHistory
{
    /// <summary>The allocation unit whose growth counts as "moving the allocation" (ext4's and XFS's default block).</summary>
    public const int BlockSize = 4096;

    private readonly Dictionary<long, (long Sequence, bool MovedSize)> _fileChanges = [];
    private readonly Dictionary<string, long> _directoryChanges = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _settled = [];
    private readonly Dictionary<long, long> _length = [];
    private readonly List<SyncBarrier> _barriers = [];

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
                var moved = write.End > write.OldLength || write.End > RoundUpToBlock(settled);
                _fileChanges[inode] = (op.Sequence, moved);
                _length[inode] = Math.Max(write.OldLength, write.End);
                break;
            }

            case SetLengthOp resize:
                _settled.TryAdd(resize.Inode!.Value, resize.OldLength);
                _fileChanges[resize.Inode!.Value] = (op.Sequence, resize.Length != resize.OldLength);
                _length[resize.Inode!.Value] = resize.Length;
                break;
            case CreateOp create:
                _settled.TryAdd(create.CreatedInode, 0);
                _fileChanges[create.CreatedInode] = (op.Sequence, false);
                _directoryChanges[PendingOp.ParentOf(create.Path)] = op.Sequence;
                break;
            case RenameOp rename:
                _fileChanges[rename.Moved] = (op.Sequence, false);
                _directoryChanges[PendingOp.ParentOf(rename.From)] = op.Sequence;
                _directoryChanges[PendingOp.ParentOf(rename.To)] = op.Sequence;
                break;
            case UnlinkOp unlink:
                _fileChanges[unlink.Unlinked] = (op.Sequence, false);
                _directoryChanges[PendingOp.ParentOf(unlink.Path)] = op.Sequence;
                break;
        }
    }

    /// <summary>A successful fsync or fdatasync of a file after operation <paramref name="sequence"/>.</summary>
    public void Synced(long sequence, long inode, bool dataOnly)
    {
        if (_length.TryGetValue(inode, out var length))
            _settled[inode] = length;
        if (_fileChanges.TryGetValue(inode, out var change))
            _barriers.Add(new SyncBarrier(sequence, dataOnly ? SyncKind.Fdatasync : SyncKind.Fsync, inode, null, change.Sequence, change.MovedSize));
    }

    /// <summary>A successful fsync of a directory after operation <paramref name="sequence"/>.</summary>
    public void SyncedDirectory(long sequence, string directory)
    {
        if (_directoryChanges.TryGetValue(directory, out var last))
            _barriers.Add(new SyncBarrier(sequence, SyncKind.DirectoryFsync, null, directory, last, false));
    }

    /// <summary>Drops barriers that reach no pending operation (every operation up to their last change is durable).</summary>
    public void Prune(long oldestPending) => _barriers.RemoveAll(b => b.LastChange < oldestPending);

    /// <summary>Everything needed to carry the history across a journal compaction (see <see cref="Restore"/>).</summary>
    public HistorySnapshot Snapshot() => new(
        [.. _fileChanges.Select(c => (c.Key, c.Value.Sequence, c.Value.MovedSize))],
        [.. _directoryChanges.Select(c => (c.Key, c.Value))],
        [.. _settled.Select(s => (s.Key, s.Value, _length.TryGetValue(s.Key, out var live) ? live : s.Value))],
        [.. _barriers],
        []);

    /// <summary>Puts back a snapshot, after the pending operations it was taken with were replayed (it overrides what they said).</summary>
    public void Restore(HistorySnapshot snapshot)
    {
        foreach (var (inode, sequence, moved) in snapshot.FileChanges)
            _fileChanges[inode] = (sequence, moved);
        foreach (var (directory, sequence) in snapshot.DirectoryChanges)
            _directoryChanges[directory] = sequence;
        foreach (var (inode, settled, length) in snapshot.Lengths)
            (_settled[inode], _length[inode]) = (settled, length);
        _barriers.AddRange(snapshot.Barriers);
    }
}

/// <summary>A <see cref="ChangeHistory"/> as plain data (for the journal's compaction record).</summary>
public sealed record HistorySnapshot(
    IReadOnlyList<(long Inode, long Sequence, bool MovedSize)> FileChanges,
    IReadOnlyList<(string Directory, long Sequence)> DirectoryChanges,
    IReadOnlyList<(long Inode, long Settled, long Length)> Lengths,
    IReadOnlyList<SyncBarrier> Barriers,
    IReadOnlyList<(long Sequence, long Settled)> WriteSettled);
