using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>
/// The faulty file-system shim: a decorator over the storage seam that numbers every mutating
/// operation, injects the faults of a <see cref="FaultPlan"/>, kills the process at the plan's
/// crash point, and tells an <see cref="IOperationRecorder"/> (the undo journal) about every
/// operation before it happens. Mutating operations are serialised, so their numbers follow the
/// order they reach the inner file system; reads are numbered separately and run concurrently.
/// </summary>
public sealed partial class FaultyFileSystem : IFileSystem
{
    private readonly IFileSystem _inner;
    private readonly FaultPlan _plan;
    private readonly FaultDecisions _decide;
    private readonly IOperationRecorder? _recorder;
    private readonly Action _crash;
    private readonly Action<string>? _injected;
    private readonly Action<ReadTarget>? _struckRead;
    private readonly ReadHistory? _readHistory;
    private readonly OperationPacing? _pacing;
    private readonly string _root;
    private readonly object _gate = new();
    private readonly bool _writesAfterCrash;
    private long _operations;

    // Mutating operations since the last successful flush: an armed kill (OperationPacing.ArmKill) waits for some.
    private long _unsynced;
    private long _reads;
    private long? _usage;
    private bool _crashed;

    /// <param name="root">The data directory whose files the space quota counts.</param>
    /// <param name="crash">What a crash point does; the default is SIGKILL of this process.</param>
    /// <param name="injected">Told of every fault just before it strikes ("op kind path"), e.g. to log it in the trace.</param>
    /// <param name="struckRead">Told of every read EIO by what it struck (file, byte range, occurrence): the form a case's replay targets.</param>
    /// <param name="pacing">Replays: holds each operation until the harness has sent what the original run had sent before it.</param>
    /// <param name="writesAfterCrash">
    /// The crash action kills another process and returns (the FUSE daemon): writes that still
    /// arrive (the kernel writing back the dead process's dirty pages) are performed and recorded
    /// after the kill, without faults; every other operation after the kill fails with EIO.
    /// </param>
    public FaultyFileSystem(IFileSystem inner, FaultPlan plan, string root, IOperationRecorder? recorder = null, Action? crash = null, Action<string>? injected = null, OperationPacing? pacing = null, bool writesAfterCrash = false, Action<ReadTarget>? struckRead = null)
    {
        _struckRead = struckRead;
        _writesAfterCrash = writesAfterCrash;
        _pacing = pacing;
        _injected = injected;
        plan.Validate();
        _inner = inner;
        _plan = plan;
        _decide = new FaultDecisions(plan);
        _readHistory = ReadHistory.For(plan, root);
        _root = root;
        _recorder = recorder;
        _crash = crash ?? SelfKill.Now;
    }

    /// <summary>Mutating operations so far (the number of the last one).</summary>
    public long OperationCount
    {
        get
        {
            lock (_gate)
                return _operations;
        }
    }

    public IStorageFile Open(string path, OpenMode mode)
    {
        lock (_gate)
        {
            ThrowIfCrashed();
            var creates = mode is OpenMode.CreateNew or OpenMode.OpenOrCreate && !_inner.Exists(path);
            if (!creates)
            {
                var existing = _inner.Open(path, mode);
                return new FaultyFile(this, existing, path, _recorder?.Opened(0, path, created: false) ?? 0);
            }

            var op = Begin();
            var inode = _recorder?.Opened(op, path, created: true) ?? 0;
            var file = _inner.Open(path, mode);
            CrashAfter(op);
            return new FaultyFile(this, file, path, inode);
        }
    }

    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            ThrowIfCrashed();
            var op = Begin();
            if (_usage != null && _inner.Exists(to))
                _usage -= LengthOf(to);
            _recorder?.BeforeRename(op, from, to);
            _inner.Rename(from, to);
            CrashAfter(op);
        }
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            ThrowIfCrashed();
            var op = Begin();
            if (_usage != null)
                _usage -= LengthOf(path);
            _recorder?.BeforeDelete(op, path);
            _inner.Delete(path);
            CrashAfter(op);
        }
    }

    public IReadOnlyList<string> List(string directory) => _inner.List(directory);

    public bool Exists(string path) => _inner.Exists(path);

    public void CreateDirectory(string path) => _inner.CreateDirectory(path);

    public void SyncDirectory(string path)
    {
        lock (_gate)
        {
            ThrowIfCrashed();
            var op = BeginFlush();
            _inner.SyncDirectory(path);
            _recorder?.SyncedDirectory(op, path);
            Flushed();
            CrashAfter(op);
        }
    }

    /// <summary>
    /// The fence asked from outside (the harness's timed kill of a FUSE backend): the crash action
    /// runs now, after the last operation, exactly as a crash point there would run it.
    /// </summary>
    public void Fence()
    {
        lock (_gate)
        {
            if (!_crashed)
                Crash(_operations, performed: true);
        }
    }

    /// <summary>Numbers the next mutating operation and kills before it when the plan says so.</summary>
    private long Begin() => TryBegin() ?? throw AfterTheCrash(); // the crash action returned (FUSE): the operation still never happens

    /// <summary>
    /// Numbers a flush and kills before it when the plan says so, or when the harness has armed its
    /// timed kill and operations are pending: the kill then leaves them all unsynced.
    /// </summary>
    private long BeginFlush() => TryBegin(flush: true) ?? throw AfterTheCrash();

    /// <summary>A flush succeeded: nothing is pending for an armed kill to wait for.</summary>
    private void Flushed() => _unsynced = 0;

    /// <summary>Like <see cref="Begin"/>, but null when the crash point (or, before a <paramref name="flush"/>, an armed kill) killed the program just before this operation.</summary>
    private long? TryBegin(bool flush = false)
    {
        var op = ++_operations;
        _pacing?.Begin(op);
        var armedKillDue = flush && _unsynced > 0 && _pacing?.KillArmed == true;
        var crashPointDue = _plan.Crash is { Perform: false } crash && crash.AtOp == op;
        if (crashPointDue || armedKillDue)
        {
            if (!crashPointDue)
                _pacing!.ArmedKillFiring();
            Crash(op, performed: false);
            return null;
        }

        if (!flush)
            _unsynced++;
        return op;
    }

    private void CrashAfter(long op)
    {
        if (_plan.Crash?.AtOp == op)
            Crash(op, performed: true);
    }

    private void Crash(long op, bool performed)
    {
        _crashed = true;
        _recorder?.Killed(op, performed);
        _crash();
    }

    private void ThrowIfCrashed()
    {
        if (_crashed)
            throw AfterTheCrash();
    }

    private StorageException AfterTheCrash() => new(StorageErrorKind.Io, Errno.EIO, "I/O after the crash point", _root);

    private long LengthOf(string path)
    {
        try
        {
            using var file = _inner.Open(path, OpenMode.ReadOnly);
            return file.Length;
        }
        catch (StorageException)
        {
            return 0;
        }
    }

    /// <summary>Bytes the data directory holds, counted once when a quota first applies.</summary>
    private long Usage()
    {
        if (_usage is { } known)
            return known;
        long total = 0;
        foreach (var name in _inner.List(_root))
            total += LengthOf(Path.Combine(_root, name));
        _usage = total;
        return total;
    }

    /// <summary>
    /// Whether read number <paramref name="number"/> fails: a targeted rule names it (file, byte,
    /// occurrence), or a rule strikes its number. A struck read is logged by number and by target.
    /// </summary>
    private bool StrikesRead(long number, string path, long offset, int length)
    {
        if (_readHistory == null)
            return false; // no read_eio rule: nothing to count
        var drawn = _decide.Strikes(FaultKind.ReadEio, number, path) != null;
        if (_readHistory.Strikes(path, offset, length, drawn) is not { } read)
            return false;
        Struck(number, FaultKind.ReadEio, path);
        _struckRead?.Invoke(read);
        return true;
    }

    private void Struck(long op, FaultKind kind, string path) => _injected?.Invoke($"{op} {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString())} {path}");

    /// <summary>
    /// Partial writes end on a sector boundary of the file: storage writes whole sectors (the page
    /// cache writes back pages, allocation fails per block), and the persistence model makes a
    /// sector atomic, so a write never stops inside one.
    /// </summary>
    private int SectorPrefix(long offset, int length, int wanted)
    {
        var end = (offset + Math.Clamp(wanted, 0, length)) / _plan.SectorSize * _plan.SectorSize;
        return (int)Math.Clamp(end - offset, 0, length);
    }

    private static StorageException Injected(StorageErrorKind kind, int errno, string operation, string path)
        => new(kind, errno, operation + " (injected)", path);
}
