using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Simulation;

/// <summary>
/// An in-memory implementation of the storage seam with the power-loss model built in: it keeps
/// the durable state and the pending operations, so <see cref="Crash"/> can produce any state a
/// power loss allows, in memory, and an engine can run thousands of crash/recover cycles in one
/// process. Paths outside <see cref="Root"/> are refused.
/// </summary>
public sealed class SimulatedDisk : IFileSystem
{
    private readonly object _lock = new();
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };
    private readonly DurabilityTracker _tracker = new();
    private FsImage _live = new();
    private FsImage _durable = new();
    private long _nextInode = 1;
    private long _sequence;

    public SimulatedDisk(string root) => Root = root.TrimEnd('/');

    public string Root { get; }

    /// <summary>Operations not yet durable (a snapshot).</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
                return _tracker.Pending.Count;
        }
    }

    public FsImage LiveImage()
    {
        lock (_lock)
            return _live.Clone();
    }

    /// <summary>The visible files' paths and sizes, sorted by path: what <see cref="LiveImage"/> would show, without copying a byte.</summary>
    public IReadOnlyList<(string Path, long Length)> LiveFiles()
    {
        lock (_lock)
            return [.. _live.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, _live.Data(e.Value).Length))];
    }

    /// <summary>A new disk holding one posix state a power loss at this instant may leave.</summary>
    public SimulatedDisk Crash(CrashMode mode, ulong seed, int sectorSize = 512) => Crash(KnownProfiles.Posix, mode, seed, sectorSize);

    /// <summary>What a power loss at this instant may still change (a snapshot: later operations do not change it).</summary>
    public CrashWindow Window(int sectorSize = 512)
    {
        lock (_lock)
            return new CrashWindow(_durable.Clone(), [.. _tracker.Pending], [.. _tracker.History.Barriers], sectorSize);
    }

    /// <summary>A new disk holding one state a power loss at this instant may leave under <paramref name="profile"/>.</summary>
    public SimulatedDisk Crash(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
    {
        lock (_lock)
        {
            var window = new CrashWindow(_durable, _tracker.Pending, _tracker.History.Barriers, sectorSize);
            return Holding(window.Apply(profile.Compose(window, mode, seed)));
        }
    }

    /// <summary>A new disk with this disk's directories, holding <paramref name="image"/> as durable (a crash state an enumeration built, say).</summary>
    public SimulatedDisk Holding(FsImage image)
    {
        lock (_lock)
        {
            var disk = new SimulatedDisk(Root) { _live = image, _durable = image.Clone(), _nextInode = _nextInode };
            disk._directories.UnionWith(_directories);
            return disk;
        }
    }

    public IStorageFile Open(string path, OpenMode mode)
    {
        lock (_lock)
        {
            var rel = Relative(path);
            var exists = _live.Entries.TryGetValue(rel, out var inode);
            if (!_directories.Contains(PendingOp.ParentOf(rel)))
                throw Error(StorageErrorKind.NotFound, Errno.ENOENT, "open", path);
            if (exists && mode == OpenMode.CreateNew)
                throw Error(StorageErrorKind.AlreadyExists, Errno.EEXIST, "open", path);
            if (!exists)
            {
                if (mode is OpenMode.OpenExisting or OpenMode.ReadOnly)
                    throw Error(StorageErrorKind.NotFound, Errno.ENOENT, "open", path);
                inode = _nextInode++;
                Record(new CreateOp(++_sequence, rel, inode));
            }

            return new SimulatedFile(this, path, inode, mode == OpenMode.ReadOnly);
        }
    }

    public void Rename(string from, string to)
    {
        lock (_lock)
        {
            var source = Relative(from);
            if (!_live.Entries.TryGetValue(source, out var inode))
                throw Error(StorageErrorKind.NotFound, Errno.ENOENT, "rename", from);
            var target = Relative(to);
            Record(new RenameOp(++_sequence, source, target, inode, _live.Entries.TryGetValue(target, out var replaced) ? replaced : null));
        }
    }

    public void Delete(string path)
    {
        lock (_lock)
        {
            var rel = Relative(path);
            if (!_live.Entries.TryGetValue(rel, out var inode))
                throw Error(StorageErrorKind.NotFound, Errno.ENOENT, "unlink", path);
            Record(new UnlinkOp(++_sequence, rel, inode));
        }
    }

    public IReadOnlyList<string> List(string directory)
    {
        lock (_lock)
        {
            var rel = Relative(directory);
            if (!_directories.Contains(rel))
                throw Error(StorageErrorKind.NotFound, Errno.ENOENT, "list", directory);
            return _live.Entries.Keys.Where(p => PendingOp.ParentOf(p) == rel).Select(p => p[(p.LastIndexOf('/') + 1)..]).ToArray();
        }
    }

    public bool Exists(string path)
    {
        lock (_lock)
        {
            var rel = Relative(path);
            return _directories.Contains(rel) || _live.Entries.ContainsKey(rel);
        }
    }

    /// <summary>Directories are created durably at once: the model covers files and entries, not mkdir.</summary>
    public void CreateDirectory(string path)
    {
        lock (_lock)
        {
            for (var rel = Relative(path); rel.Length > 0; rel = PendingOp.ParentOf(rel))
                _directories.Add(rel);
        }
    }

    public void SyncDirectory(string path)
    {
        lock (_lock)
        {
            var rel = Relative(path);
            if (!_directories.Contains(rel))
                throw Error(StorageErrorKind.NotFound, Errno.ENOENT, "fsync(dir)", path);
            Fold(_tracker.SyncDirectory(rel, _sequence));
        }
    }

    internal int Read(long inode, long offset, Span<byte> buffer)
    {
        lock (_lock)
            return _live.Data(inode).Read(offset, buffer);
    }

    internal long Length(long inode)
    {
        lock (_lock)
            return _live.Data(inode).Length;
    }

    internal void Write(long inode, long offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
            Record(new WriteOp(++_sequence, inode, offset, data.Length) { Data = data.ToArray(), OldLength = _live.Data(inode).Length });
    }

    internal void SetLength(long inode, long length)
    {
        lock (_lock)
            Record(new SetLengthOp(++_sequence, inode, length) { OldLength = _live.Data(inode).Length });
    }

    internal void Sync(long inode, bool dataOnly)
    {
        lock (_lock)
            Fold(dataOnly ? _tracker.DataSync(inode, _sequence) : _tracker.Sync(inode, _sequence));
    }

    internal void SyncFailed(long inode)
    {
        lock (_lock)
            _tracker.SyncFailed(inode);
    }

    private void Record(PendingOp op)
    {
        op.Apply(_live);
        _tracker.Add(op);
    }

    private void Fold(List<PendingOp> durable)
    {
        foreach (var op in durable)
            op.Apply(_durable);
    }

    private string Relative(string path)
    {
        if (path == Root)
            return "";
        if (!path.StartsWith(Root + "/", StringComparison.Ordinal))
            throw Error(StorageErrorKind.AccessDenied, Errno.EACCES, "access outside the simulated disk", path);
        return path[(Root.Length + 1)..].TrimEnd('/');
    }

    private static StorageException Error(StorageErrorKind kind, int errno, string operation, string path) => new(kind, errno, operation, path);
}
