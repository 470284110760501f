using System.Diagnostics;
using CrashLab.Storage;

namespace CrashLab.Wal;

/// <summary>
/// Group commit by leader hand-off. The first caller that needs a flush becomes the leader and
/// does the write and fdatasync on its own thread: a lone writer never waits for another thread.
/// Callers arriving meanwhile queue up; when the leader finishes it completes everyone its flush
/// covered and hands leadership to the first still waiting, whose flush then covers the whole
/// queue with one fdatasync. A leader whose previous group had k members first waits (briefly,
/// bounded by half the last flush's duration) for about k requests to queue
/// (WriteAheadLog.Gather.cs): writers just released by a flush need a few microseconds to come
/// back, and without the wait groups alternate between large and tiny. A lone writer's group has
/// one member, so it never waits.
/// </summary>
public sealed partial class WriteAheadLog
{
    private readonly List<FlushWaiter> _waiters = [];
    private readonly HashSet<Segment> _unsynced = [];
    private bool _ioBusy;
    private long _encodedSeq;
    private long _writtenSeq;
    private long _durableSeq;
    private long _writtenLsn;
    private long _durableLsn;
    private WalException? _poison;

    private sealed class FlushWaiter(long sequence, bool durable)
    {
        public long Sequence { get; } = sequence;

        public bool Durable { get; } = durable;

        /// <summary>True: covered by a flush. False: you are the leader now.</summary>
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void FlushTo(long sequence, bool durable) => FlushToAsync(sequence, durable).AsTask().GetAwaiter().GetResult();

    private async ValueTask<long> FlushToAsync(long sequence, bool durable)
    {
        FlushWaiter? waiter = null;
        TaskCompletionSource? gathered = null;
        lock (_lock)
        {
            if (Reached(sequence, durable))
                return _durableLsn;
            ThrowIfUnusable();
            if (_ioBusy)
            {
                _waiters.Add(waiter = new FlushWaiter(sequence, durable));
                gathered = GroupGatheredLocked();
            }
            else
            {
                _ioBusy = true;
            }
        }

        // The leader resumes here, on this thread, and writes the group (this request included).
        gathered?.TrySetResult();

        if (waiter != null && await waiter.Done.Task.ConfigureAwait(false))
            return DurableLsnNow();

        // Only a flush with an fdatasync to share waits for company; a write-behind's pwrite is cheap.
        if (durable)
            await GatherGroupAsync().ConfigureAwait(false);
        LeadOnce(durable);
        lock (_lock)
        {
            return Reached(sequence, durable)
                ? _durableLsn
                : throw _poison ?? new WalException(WalErrorKind.Io, "flush did not cover the request");
        }
    }

    private long DurableLsnNow()
    {
        lock (_lock)
            return _durableLsn;
    }

    private bool Reached(long sequence, bool durable) => (durable ? _durableSeq : _writtenSeq) >= sequence;

    /// <summary>One write (+ fdatasync when anyone needs durability) of everything pending, then hand-off.</summary>
    private void LeadOnce(bool durable)
    {
        var started = Stopwatch.GetTimestamp();
        List<Writing.PendingWrites.Chunk> chunks;
        Segment[] toSync;
        long sequence, lsn, durableBefore;
        bool sync, afterDurable;
        lock (_lock)
        {
            if (_poison != null || _disposed)
            {
                _ioBusy = false;
                FailWaitersLocked(_poison ?? new WalException(WalErrorKind.Io, "the log is closed"));
                ThrowIfUnusable();
            }

            chunks = _tail.Pending.TakeAll();
            // Only the leader moves the durable LSN, so it holds until this group is written.
            durableBefore = _durableLsn;
            // Nothing written and not yet synced: every byte before this group is durable.
            afterDurable = _durableSeq == _writtenSeq;
            sequence = _encodedSeq;
            lsn = _tail.NextLsn - 1;
            sync = durable || _waiters.Exists(w => w.Durable);
            foreach (var chunk in chunks)
                _unsynced.Add(chunk.Segment);
            toSync = sync ? [.. _unsynced] : [];
        }

        try
        {
            for (var i = 0; i < chunks.Count; i++)
                chunks[i].Seal(durableBefore, afterDurable && i == 0);
            if (_options.Is(Mutant.PartialGroupSync) && sync && chunks.Count > 0)
                WriteSyncingPart(chunks, toSync);
            else
                WriteAndSync(chunks, toSync);
        }
        catch (StorageException e)
        {
            WalException failure;
            lock (_lock)
            {
                failure = PoisonLocked(e);
                _ioBusy = false;
            }

            throw failure;
        }
        finally
        {
            foreach (var chunk in chunks)
                chunk.Release();
        }

        lock (_lock)
        {
            _lastFlushTicks = Stopwatch.GetTimestamp() - started;
            _writtenSeq = sequence;
            _writtenLsn = lsn;
            if (sync)
            {
                _durableSeq = sequence;
                _durableLsn = lsn;
                _unsynced.Clear();
            }

            var covered = 1;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (Reached(_waiters[i].Sequence, _waiters[i].Durable))
                {
                    covered++;
                    _waiters[i].Done.SetResult(true);
                    _waiters.RemoveAt(i);
                }
            }

            _lastGroupSize = covered;
            if (_waiters.Count > 0)
            {
                var next = _waiters[0];
                _waiters.RemoveAt(0);
                next.Done.SetResult(false);
            }
            else
            {
                _ioBusy = false;
            }
        }
    }

    private void WriteAndSync(List<Writing.PendingWrites.Chunk> chunks, Segment[] toSync)
    {
        foreach (var chunk in chunks)
            chunk.Segment.File.Write(WriteOffset(chunk), chunk.Data);
        foreach (var segment in toSync)
        {
            if (_options.Is(Mutant.AckBeforeFdatasync))
                continue;
            try
            {
                segment.File.DataSync();
            }
            catch (StorageException) when (_options.Is(Mutant.RetryFailedFsync))
            {
                segment.File.DataSync();
            }
        }
    }

    /// <summary>The partial-group-sync mutant: the group's last half-chunk is written after the fdatasync that acknowledges it.</summary>
    private static void WriteSyncingPart(List<Writing.PendingWrites.Chunk> chunks, Segment[] toSync)
    {
        var last = chunks[^1];
        var half = last.Data.Length / 2;
        foreach (var chunk in chunks.Take(chunks.Count - 1))
            chunk.Segment.File.Write(chunk.Offset, chunk.Data);
        last.Segment.File.Write(last.Offset, last.Data[..half]);
        foreach (var segment in toSync)
            segment.File.DataSync();
        last.Segment.File.Write(last.Offset + half, last.Data[half..]);
    }

    /// <summary>The write-offset-wrong mutant puts every write after a segment's first 8 bytes too far.</summary>
    private long WriteOffset(Writing.PendingWrites.Chunk chunk)
        => _options.Is(Mutant.WriteOffsetWrong) && chunk.Offset > Format.SegmentHeader.DataStart ? chunk.Offset + 8 : chunk.Offset;

    /// <summary>
    /// After a failed write or fdatasync the data's fate is unknown (Linux may have dropped the dirty
    /// pages and will not report it again), so the log refuses all further writes: it never retries
    /// and then trusts. Returns the error for the requests that were in flight.
    /// </summary>
    private WalException PoisonLocked(StorageException e)
    {
        var kind = e.Kind == StorageErrorKind.NoSpace ? WalErrorKind.NoSpace : WalErrorKind.Io;
        var failure = new WalException(kind, e.Message, e);
        _poison ??= new WalException(WalErrorKind.Poisoned, $"writes are refused until restart after an I/O failure: {e.Message}", e);
        _tail.Pending.Discard();
        FailWaitersLocked(failure);
        return failure;
    }

    private void FailWaitersLocked(WalException failure)
    {
        foreach (var waiter in _waiters)
            waiter.Done.SetException(failure);
        _waiters.Clear();
    }
}
