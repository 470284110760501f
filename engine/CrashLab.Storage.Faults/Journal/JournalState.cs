using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>
/// What a journal says, record by record: which path names which inode, which operations are
/// still not durable, and what undoing each needs. The journal writer applies every record it
/// writes, and the crash-state builder replays the file, through this one class, so both reach
/// the same verdicts.
/// </summary>
internal sealed class JournalState
{
    public Dictionary<string, long> Inodes { get; } = new(StringComparer.Ordinal);

    public DurabilityTracker Tracker { get; } = new();

    /// <summary>Undo data of pending writes and size changes, by operation number.</summary>
    public Dictionary<long, Undo> Undos { get; } = [];

    public long LastOperation { get; private set; }

    public long NextInode { get; private set; } = 1;

    /// <summary>Where the fence killed the backend, when a FUSE daemon outlived it (operations after it came after the kill).</summary>
    public (long Op, bool Performed)? Kill { get; private set; }

    /// <summary>Keep the last <see cref="EventLimit"/> operations as <see cref="Events"/> (for reports; the writer does not).</summary>
    public bool KeepEvents { get; init; }

    public const int EventLimit = 600;

    /// <summary>The latest operations, oldest first, as a timeline shows them.</summary>
    public Queue<JournalEvent> Events { get; } = new();

    private readonly Dictionary<long, string> _pathOf = [];

    /// <param name="OldLength">File length before the operation.</param>
    /// <param name="Before">Bytes the operation replaced (null: they were all zero).</param>
    /// <param name="BeforeLength">How many bytes <paramref name="Before"/> stands for.</param>
    public sealed record Undo(long OldLength, byte[]? Before, int BeforeLength);

    /// <summary>Applies one record; returns the operations it made durable.</summary>
    public List<PendingOp> Apply(RecordType type, long op, ReadOnlySpan<byte> fields)
    {
        var read = new RecordReader(fields);
        LastOperation = Math.Max(LastOperation, op);
        switch (type)
        {
            case RecordType.Inode:
                Name(read.Text(), read.Long());
                break;
            case RecordType.Create:
            {
                var path = read.Text();
                var inode = read.Long();
                Name(path, inode);
                Tracker.Add(new CreateOp(op, path, inode));
                Note(op, "create", path);
                break;
            }

            case RecordType.Write:
            {
                var inode = read.Long();
                var offset = read.Long();
                var length = read.Int();
                var oldLength = read.Long();
                var zeros = read.Byte() == 0;
                var before = read.Bytes();
                Undos[op] = new Undo(oldLength, zeros ? null : before.ToArray(), (int)Math.Clamp(oldLength - offset, 0, length));
                Tracker.Add(new WriteOp(op, inode, offset, length) { OldLength = oldLength });
                Note(op, "write", inode, offset, length);
                break;
            }

            case RecordType.SetLength:
            {
                var inode = read.Long();
                var oldLength = read.Long();
                var length = read.Long();
                var removed = read.Bytes();
                Undos[op] = new Undo(oldLength, removed.ToArray(), removed.Length);
                Tracker.Add(new SetLengthOp(op, inode, length) { OldLength = oldLength });
                Note(op, "set-length", inode, 0, length);
                break;
            }

            case RecordType.Rename:
            {
                var inode = read.Long();
                var from = read.Text();
                var to = read.Text();
                var replaced = read.Long();
                Inodes.Remove(from);
                Name(to, inode);
                Tracker.Add(new RenameOp(op, from, to, inode, replaced == 0 ? null : replaced));
                Note(op, "rename", from, to);
                break;
            }

            case RecordType.Unlink:
            {
                var inode = read.Long();
                var path = read.Text();
                Inodes.Remove(path);
                Tracker.Add(new UnlinkOp(op, path, inode));
                Note(op, "unlink", path);
                break;
            }

            case RecordType.Sync:
            {
                var inode = read.Long();
                var dataOnly = read.Byte() == 1;
                Note(op, dataOnly ? "fdatasync" : "fsync", inode);
                return Forget(dataOnly ? Tracker.DataSync(inode, op) : Tracker.Sync(inode, op));
            }

            case RecordType.SyncDirectory:
            {
                var directory = read.Text();
                Note(op, "fsync-dir", (directory.Length > 0 ? directory : ".") + "/");
                return Forget(Tracker.SyncDirectory(directory, op));
            }

            case RecordType.SyncFailed:
            {
                var inode = read.Long();
                Note(op, "sync-failed", inode);
                Tracker.SyncFailed(inode);
                break;
            }
            case RecordType.Fate:
            {
                var target = read.Long();
                var fate = (Fate)read.Byte();
                foreach (var pending in Tracker.Pending)
                {
                    if (pending.Sequence == target)
                        pending.Fate = fate;
                }

                break;
            }

            case RecordType.Counter:
                break;
            case RecordType.History:
                Tracker.RestoreHistory(HistoryRecord.Read(ref read));
                break;
            case RecordType.Killed:
                Kill = (op, read.Byte() == 1);
                break;
            default:
                throw new FormatException($"unknown journal record type {(int)type}");
        }

        return [];
    }

    /// <summary>
    /// Takes back the last recorded name change when the directory shows it never happened:
    /// the journal records before the operation, and a SIGKILL can land in between.
    /// </summary>
    /// <returns>False if it did (the kill came before the operation).</returns>
    public bool WithdrawUnperformed(Func<string, bool> exists)
    {
        var last = Tracker.Pending.Count > 0 ? Tracker.Pending[^1] : null;
        if (last == null || last.Sequence != LastOperation)
            return true;
        switch (last)
        {
            case CreateOp create when !exists(create.Path):
                Inodes.Remove(create.Path);
                break;
            case RenameOp rename when exists(rename.From):
                Inodes.Remove(rename.To);
                if (rename.Replaced is { } replaced)
                    Inodes[rename.To] = replaced;
                Inodes[rename.From] = rename.Moved;
                break;
            case UnlinkOp unlink when exists(unlink.Path):
                Inodes[unlink.Path] = unlink.Unlinked;
                break;
            default:
                return true;
        }

        Tracker.Withdraw(last);
        return false;
    }

    /// <summary>An operation on a file's data, for <see cref="Events"/> when they are kept (the journal writer does not pay for names).</summary>
    private void Note(long op, string kind, long inode, long offset = 0, long length = 0)
    {
        if (KeepEvents)
            Keep(new JournalEvent(op, kind, NameOf(inode), offset, length));
    }

    /// <summary>An operation on names: <paramref name="path"/>, or "path -> to" for a rename.</summary>
    private void Note(long op, string kind, string path, string? to = null)
    {
        if (KeepEvents)
            Keep(new JournalEvent(op, kind, to == null ? path : $"{path} -> {to}", 0, 0));
    }

    private void Keep(JournalEvent seen)
    {
        Events.Enqueue(seen);
        if (Events.Count > EventLimit)
            Events.Dequeue();
    }

    private string NameOf(long inode) => _pathOf.TryGetValue(inode, out var path) ? path : $"inode {inode}";

    private void Name(string path, long inode)
    {
        _pathOf[inode] = path;
        Inodes[path] = inode;
        NextInode = Math.Max(NextInode, inode + 1);
    }

    private List<PendingOp> Forget(List<PendingOp> durable)
    {
        foreach (var op in durable)
            Undos.Remove(op.Sequence);
        return durable;
    }
}
