using System.Buffers.Binary;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>
/// The trace and undo journal: before every mutating operation on the data directory, one record
/// with its number and what undoing it needs (pre-image bytes, old length, the names it changes;
/// an inode losing its last name is kept as a hard link). Records are written with pwrite, so
/// they reach the OS before the operation and survive a SIGKILL. Records of operations that
/// became durable are dropped and the file is compacted, so the journal stays bounded.
/// </summary>
public sealed class UndoJournal : IOperationRecorder, IDisposable
{
    private const long CompactAt = 8 << 20;
    private readonly string _root;
    private readonly string _traceDir;
    private readonly JournalState _state = new();
    private readonly Dictionary<long, byte[]> _pendingRecords = [];
    private IStorageFile _file;
    private long _length;
    private long _pendingBytes;

    public UndoJournal(string dataDir, string traceDir)
    {
        _root = Path.GetFullPath(dataDir).TrimEnd('/');
        _traceDir = traceDir;
        var links = Path.Combine(traceDir, JournalFile.LinksDirectory);
        if (Directory.Exists(links))
            Directory.Delete(links, recursive: true);
        Directory.CreateDirectory(links);
        var path = Path.Combine(traceDir, JournalFile.FileName);
        if (File.Exists(path))
            File.Delete(path);
        _file = PhysicalFileSystem.Instance.Open(path, OpenMode.CreateNew);
    }

    public long Opened(long op, string path, bool created)
    {
        if (Relative(path) is not { } rel)
            return 0;
        if (created)
        {
            var inode = _state.NextInode;
            Append(new RecordWriter(RecordType.Create, op).Text(rel).Long(inode));
            return inode;
        }

        return InodeOf(rel);
    }

    public void BeforeWrite(long op, long inode, IStorageFile file, long offset, int length)
    {
        if (inode == 0)
            return;
        var oldLength = file.Length;
        var before = new byte[(int)Math.Clamp(oldLength - offset, 0, length)];
        file.Read(offset, before);
        var zeros = before.AsSpan().IndexOfAnyExcept((byte)0) < 0;
        Append(new RecordWriter(RecordType.Write, op).Long(inode).Long(offset).Int(length).Long(oldLength)
            .Byte(zeros ? (byte)0 : (byte)1).Bytes(zeros ? [] : before));
    }

    public void BeforeSetLength(long op, long inode, IStorageFile file, long length)
    {
        if (inode == 0)
            return;
        var oldLength = file.Length;
        var removed = new byte[Math.Max(0, oldLength - length)];
        file.Read(length, removed);
        Append(new RecordWriter(RecordType.SetLength, op).Long(inode).Long(oldLength).Long(length).Bytes(removed));
    }

    public void BeforeRename(long op, string from, string to)
    {
        if (Relative(from) is not { } source || Relative(to) is not { } target)
            return;
        var moved = InodeOf(source);
        long replaced = 0;
        if (File.Exists(to))
        {
            replaced = InodeOf(target);
            HardLink.Create(to, JournalFile.LinkPath(_traceDir, replaced));
        }

        Append(new RecordWriter(RecordType.Rename, op).Long(moved).Text(source).Text(target).Long(replaced));
    }

    public void BeforeDelete(long op, string path)
    {
        if (Relative(path) is not { } rel)
            return;
        var inode = InodeOf(rel);
        HardLink.Create(path, JournalFile.LinkPath(_traceDir, inode));
        Append(new RecordWriter(RecordType.Unlink, op).Long(inode).Text(rel));
    }

    public void Synced(long op, long inode, bool dataOnly)
    {
        if (inode != 0)
            Append(new RecordWriter(RecordType.Sync, op).Long(inode).Byte(dataOnly ? (byte)1 : (byte)0));
    }

    public void SyncedDirectory(long op, string path)
    {
        if (Relative(path) is { } rel)
            Append(new RecordWriter(RecordType.SyncDirectory, op).Text(rel));
    }

    public void SyncFailed(long op, long inode)
    {
        if (inode != 0)
            Append(new RecordWriter(RecordType.SyncFailed, op).Long(inode));
    }

    public void Killed(long op, bool performed) => Append(KillRecord(op, performed));

    public void Dispose() => _file.Dispose();

    private static RecordWriter KillRecord(long op, bool performed) => new RecordWriter(RecordType.Killed, op).Byte(performed ? (byte)1 : (byte)0);

    private long InodeOf(string rel)
    {
        if (_state.Inodes.TryGetValue(rel, out var inode))
            return inode;
        inode = _state.NextInode;
        Append(new RecordWriter(RecordType.Inode, 0).Text(rel).Long(inode));
        return inode;
    }

    private void Append(RecordWriter writer)
    {
        var record = writer.ToArray();
        _file.Write(_length, record);
        _length += record.Length;
        var type = (RecordType)record[4];
        var op = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(5));
        foreach (var durable in _state.Apply(type, op, record.AsSpan(13)))
        {
            if (_pendingRecords.Remove(durable.Sequence, out var dropped))
                _pendingBytes -= dropped.Length;
        }

        if (type is RecordType.Create or RecordType.Write or RecordType.SetLength or RecordType.Rename or RecordType.Unlink)
        {
            _pendingRecords[op] = record;
            _pendingBytes += record.Length;
        }

        if (_length > CompactAt && _pendingBytes < _length / 4)
            Compact();
    }

    /// <summary>Rewrites the journal with only what undo still needs, then swaps it in by rename (atomic under SIGKILL).</summary>
    private void Compact()
    {
        var path = Path.Combine(_traceDir, JournalFile.FileName);
        var next = path + ".compact";
        if (File.Exists(next))
            File.Delete(next);
        var file = PhysicalFileSystem.Instance.Open(next, OpenMode.CreateNew);
        long length = 0;
        void Put(byte[] record)
        {
            file.Write(length, record);
            length += record.Length;
        }

        Put(new RecordWriter(RecordType.Counter, _state.LastOperation).ToArray());
        if (_state.Kill is { } kill)
            Put(KillRecord(kill.Op, kill.Performed).ToArray());
        foreach (var (rel, inode) in _state.Inodes)
            Put(new RecordWriter(RecordType.Inode, 0).Text(rel).Long(inode).ToArray());
        foreach (var op in _state.Tracker.Pending)
        {
            if (_pendingRecords.TryGetValue(op.Sequence, out var record))
                Put(record);
        }

        Put(HistoryRecord.Write(_state.Tracker.SnapshotHistory(), _state.LastOperation));
        foreach (var op in _state.Tracker.Pending)
        {
            if (op.Fate != Fate.Free)
                Put(new RecordWriter(RecordType.Fate, 0).Long(op.Sequence).Byte((byte)op.Fate).ToArray());
        }

        PhysicalFileSystem.Instance.Rename(next, path);
        _file.Dispose();
        _file = file;
        _length = length;
    }

    private string? Relative(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        if (full == _root)
            return "";
        return full.StartsWith(_root + "/", StringComparison.Ordinal) ? full[(_root.Length + 1)..] : null;
    }
}
