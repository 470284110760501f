using CrashLab.Storage;

namespace Acme.Ledger;

/// <summary>
/// Acme's ledger log: records at consecutive LSNs in segment files named by their first LSN,
/// appended by group commit (one fdatasync for every durable append waiting), truncated by a
/// checkpoint that names the first LSN kept. All I/O goes through <see cref="IFileSystem"/>.
/// </summary>
public sealed partial class LedgerLog : IDisposable
{
    private const string SegmentSuffix = ".seg";

    private readonly IFileSystem _fs;
    private readonly string _directory;
    private readonly LedgerOptions _options;
    private readonly object _lock = new();

    /// <summary>The records from <see cref="FirstLsn"/> on, kept in memory for reads.</summary>
    private readonly List<byte[]> _records;

    /// <summary>Segment files, oldest first, by the LSN of their first record.</summary>
    private readonly List<(long FirstLsn, string Path)> _segments;
    private IStorageFile? _tail;
    private long _tailBytes;
    private long _first;
    private long _next;
    private bool _disposed;

    private LedgerLog(IFileSystem fs, string directory, LedgerOptions options, Recovered recovered)
    {
        (_fs, _directory, _options) = (fs, directory, options);
        (_first, _next, _records, _segments) = (recovered.FirstLsn, recovered.NextLsn, recovered.Records, recovered.Segments);
        if (_segments.Count > 0)
        {
            _tail = fs.Open(_segments[^1].Path, OpenMode.OpenExisting);
            _tailBytes = recovered.TailBytes;
        }

        _unwrittenFirst = _next;
    }

    public long FirstLsn
    {
        get
        {
            lock (_lock)
                return _first;
        }
    }

    public long NextLsn
    {
        get
        {
            lock (_lock)
                return _next;
        }
    }

    /// <summary>Opens the ledger in <paramref name="directory"/>, recovering what a crash left.</summary>
    public static LedgerLog Open(IFileSystem fs, string directory, LedgerOptions? options = null)
        => new(fs, directory, options ?? new LedgerOptions(), Recover(fs, directory));

    /// <summary>The records from <paramref name="fromLsn"/> to the end.</summary>
    public IEnumerable<byte[]> ReadFrom(long fromLsn)
    {
        lock (_lock)
        {
            if (fromLsn < _first || fromLsn > _next)
                throw new ArgumentOutOfRangeException(nameof(fromLsn), $"LSN {fromLsn} is outside the ledger ({_first}..{_next})");
            return _records.GetRange((int)(fromLsn - _first), (int)(_next - fromLsn));
        }
    }

    /// <summary>
    /// Drops the records below <paramref name="beforeLsn"/>: a checkpoint names the new first LSN,
    /// then segments holding only older records are deleted. The tail segment always stays.
    /// </summary>
    public void Truncate(long beforeLsn)
    {
        lock (_lock)
        {
            var before = Math.Clamp(beforeLsn, _first, _next);
            if (before == _first)
                return;
            Checkpoint.Write(_fs, _directory, before, _options.Bug);
            _records.RemoveRange(0, (int)(before - _first));
            _first = before;
            var deleted = 0;
            while (_segments.Count > 1 && _segments[1].FirstLsn <= before)
            {
                _fs.Delete(_segments[0].Path);
                _segments.RemoveAt(0);
                deleted++;
            }

            if (deleted > 0)
                _fs.SyncDirectory(_directory);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _tail?.Dispose();
        }
    }

    private static string SegmentName(long firstLsn) => $"{firstLsn:D16}{SegmentSuffix}";
}
