using CrashLab.Storage;
using CrashLab.Wal.Format;

namespace CrashLab.Wal.Writing;

/// <summary>
/// Makes segment files whose every byte reads as zero, so the space past the log end is always
/// zero (recovery relies on that to tell a torn write from a bit flip). In the background it
/// writes real zeros, ahead of need, because fdatasync into written blocks needs no metadata
/// update; on demand it only reserves the space (fallocate: unwritten extents read as zeros),
/// which takes a millisecond. ENOSPC surfaces here, before any record is touched, which is what
/// lets an append fail cleanly with no_space.
/// </summary>
internal sealed class SegmentPreparer(IFileSystem fs, string directory, long segmentBytes, bool background, bool zeroFillOnDemand) : IDisposable
{
    private const int ZeroChunk = 1 << 20;
    private readonly Queue<string> _ready = new();
    private readonly object _gate = new();
    private Task? _inFlight;
    private long _counter = Environment.TickCount64;
    private volatile bool _disposed;

    public int ReadyCount
    {
        get
        {
            lock (_gate)
                return _ready.Count;
        }
    }

    /// <summary>Starts preparing one file in the background, if that mode is on and none is ready.</summary>
    public void PrepareAhead()
    {
        lock (_gate)
        {
            if (!background || _disposed || _inFlight != null || _ready.Count > 0)
                return;
            _inFlight = Task.Run(() =>
            {
                var path = PrepareOne(zeroFill: true);
                lock (_gate)
                {
                    _ready.Enqueue(path);
                    _inFlight = null;
                }
            });
        }
    }

    /// <summary>Makes sure <paramref name="count"/> files are ready; throws (NoSpace, Io) keeping those already made.</summary>
    public void EnsureReady(int count)
    {
        Task? pending;
        lock (_gate)
            pending = _inFlight;
        if (pending != null)
        {
            try
            {
                pending.GetAwaiter().GetResult();
            }
            catch (StorageException)
            {
                // The background attempt failed; the inline attempt below reports the error afresh.
            }
            finally
            {
                lock (_gate)
                    _inFlight = null;
            }
        }

        while (ReadyCount < count)
        {
            var path = PrepareOne(zeroFillOnDemand);
            lock (_gate)
                _ready.Enqueue(path);
        }
    }

    public string Take()
    {
        lock (_gate)
            return _ready.Dequeue();
    }

    private string PrepareOne(bool zeroFill)
    {
        var path = Path.Combine(directory, SegmentNames.Preparing(Interlocked.Increment(ref _counter)));
        try
        {
            using var file = fs.Open(path, OpenMode.CreateNew);
            file.Preallocate(segmentBytes);
            var zeros = zeroFill ? new byte[ZeroChunk] : [];
            for (long at = 0; zeroFill && at < segmentBytes && !_disposed; at += ZeroChunk)
                file.Write(at, zeros.AsSpan(0, (int)Math.Min(ZeroChunk, segmentBytes - at)));
            file.Sync();
            return path;
        }
        catch (StorageException)
        {
            TryDelete(path);
            throw;
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            if (fs.Exists(path))
                fs.Delete(path);
        }
        catch (StorageException)
        {
            // Recovery deletes leftover preparations anyway.
        }
    }

    public void Dispose()
    {
        Task? pending;
        lock (_gate)
        {
            _disposed = true;
            pending = _inFlight;
        }

        try
        {
            pending?.Wait();
        }
        catch (AggregateException)
        {
            // Nothing is waiting for this file any more.
        }
    }
}
