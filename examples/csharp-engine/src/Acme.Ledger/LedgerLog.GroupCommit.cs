using CrashLab.Storage;

namespace Acme.Ledger;

/// <summary>
/// Group commit: appends queue their frames; one flush at a time (on the thread pool) writes
/// everything queued with one write and one fdatasync, then completes every durable append it
/// covered. Appends arriving meanwhile form the next group.
/// </summary>
public sealed partial class LedgerLog
{
    private const int WriteBehindBytes = 64 << 10;

    private readonly List<byte[]> _unwritten = [];
    private readonly List<(long FirstLsn, TaskCompletionSource<long> Done)> _waiting = [];
    private long _unwrittenFirst;
    private long _unwrittenBytes;
    private bool _flushing;
    private Exception? _failed;

    /// <summary>
    /// Appends <paramref name="records"/> at consecutive LSNs; returns the first. Durable: the task
    /// completes once the group's fdatasync has returned. Not durable: at once (written with the next group).
    /// </summary>
    public Task<long> AppendAsync(IReadOnlyList<byte[]> records, bool durable)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_failed != null)
                throw new IOException("the ledger stopped after a failed write", _failed);
            var first = _next;
            for (var i = 0; i < records.Count; i++)
            {
                var record = records[i];
                var frame = RecordFrame.Encode(_next++, record, batchEnd: i == records.Count - 1);
                _unwritten.Add(frame);
                _unwrittenBytes += frame.Length;
                _records.Add(record);
            }

            var answer = Task.FromResult(first);
            if (durable)
            {
                var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((first, done));
                answer = done.Task;
            }

            if (!_flushing && (durable || _unwrittenBytes >= WriteBehindBytes))
            {
                _flushing = true;
                _ = Task.Run(FlushGroups);
            }

            return answer;
        }
    }

    private void FlushGroups()
    {
        while (true)
        {
            byte[][] frames;
            List<(long FirstLsn, TaskCompletionSource<long> Done)> group;
            long firstLsn;
            lock (_lock)
            {
                if (_unwritten.Count == 0 || _disposed)
                {
                    _flushing = false;
                    return;
                }

                (frames, group, firstLsn) = ([.. _unwritten], [.. _waiting], _unwrittenFirst);
                _unwritten.Clear();
                _waiting.Clear();
                (_unwrittenFirst, _unwrittenBytes) = (_next, 0);
            }

            try
            {
                if (_options.Bug == LedgerBug.AckBeforeFsync)
                    Complete(group);
                var tail = TailFor(firstLsn);
                var bytes = frames.SelectMany(f => f).ToArray();
                tail.Write(_tailBytes, bytes);
                _tailBytes += bytes.Length;
                tail.DataSync();
                Complete(group);
            }
#pragma warning disable CA1031 // any failure fails the group and stops the ledger: nothing after it can be trusted
            catch (Exception e)
#pragma warning restore CA1031
            {
                lock (_lock)
                {
                    _failed = e;
                    group.AddRange(_waiting);
                    _waiting.Clear();
                    _flushing = false;
                }

                foreach (var (_, done) in group)
                    done.TrySetException(new IOException("the ledger could not make the append durable", e));
                return;
            }
        }
    }

    /// <summary>The segment the next group goes into: a new one, named by the group's first LSN, once the tail is full.</summary>
    private IStorageFile TailFor(long firstLsn)
    {
        if (_tail != null && _tailBytes < _options.SegmentBytes)
            return _tail;
        var path = Path.Combine(_directory, SegmentName(firstLsn));
        var file = _fs.Open(path, OpenMode.CreateNew);
        _fs.SyncDirectory(_directory);
        lock (_lock)
        {
            _tail?.Dispose();
            (_tail, _tailBytes) = (file, 0);
            _segments.Add((firstLsn, path));
        }

        return file;
    }

    private static void Complete(List<(long FirstLsn, TaskCompletionSource<long> Done)> group)
    {
        foreach (var (first, done) in group)
            done.TrySetResult(first);
    }
}
