using CrashLab.Storage;

namespace CrashLab.Wal;

/// <summary>
/// The bookkeeping of groups in flight: which requests a group covers, who may lead next, and
/// when a group may be acknowledged. Everything here runs under the log's lock.
/// </summary>
public sealed partial class WriteAheadLog
{
    /// <summary>Does a group already taken (not yet settled) cover the request?</summary>
    private bool Covered(long sequence, bool durable)
    {
        for (var i = _flights.Count - 1; i >= 0 && _flights[i].Sequence >= sequence; i--)
        {
            if (_flights[i].Sync || !durable)
                return true;
        }

        return false;
    }

    /// <summary>No group is being written and fewer than the allowed number are in their write or fdatasync.</summary>
    private bool CanLeadLocked() => !_writing && _flights.Count(f => !f.Done) < _options.GroupsInFlight;

    private int UncoveredWaitersLocked() => _waiters.Count(w => !Reached(w.Sequence, w.Durable) && !Covered(w.Sequence, w.Durable));

    /// <summary>Hands leadership to the first waiter no group covers, if a group may start now.</summary>
    private void PromoteLocked()
    {
        if (_poison != null || _disposed || !CanLeadLocked())
            return;
        var next = _waiters.FindIndex(w => !Reached(w.Sequence, w.Durable) && !Covered(w.Sequence, w.Durable));
        if (next < 0)
            return;
        var leader = _waiters[next];
        _waiters.RemoveAt(next);
        _writing = true;
        leader.Done.SetResult(false);
    }

    private void CompleteReachedLocked()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (Reached(_waiters[i].Sequence, _waiters[i].Durable))
            {
                _waiters[i].Done.SetResult(true);
                _waiters.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Acknowledges groups in sequence order: each once its own I/O returned success, every earlier
    /// group was acknowledged, and the fdatasync of a later group that overlapped its own returned
    /// success too (<see cref="Flight.Overlapped"/>). A group whose fdatasync started after this
    /// one's returned cannot have been handed its error: the error was recorded before this
    /// fdatasync checked for it, so this one or an overlapping one reported it.
    /// </summary>
    private void SettleLocked()
    {
        while (_flights.Count > 0 && _flights[0] is { Done: true } first && first.Overlapped is null or { Done: true })
        {
            _flights.RemoveAt(0);
            if (first.Sync)
            {
                _durableSeq = first.Sequence;
                _durableLsn = first.Lsn;
            }
        }

        CompleteReachedLocked();
        PromoteLocked();
    }

    private void WriteGroup(List<Writing.PendingWrites.Chunk> chunks)
    {
        foreach (var chunk in chunks)
            chunk.Segment.File.Write(WriteOffset(chunk), chunk.Data);
    }

    private void SyncGroup(Segment[] toSync)
    {
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
    /// pages and will not report it again, and with two fdatasyncs racing it reports the error to
    /// only one of them), so the log refuses all further writes: it never retries and then trusts.
    /// Every group not yet acknowledged fails. Returns the error for the requests that were in flight.
    /// </summary>
    private WalException PoisonLocked(StorageException e)
    {
        var kind = e.Kind == StorageErrorKind.NoSpace ? WalErrorKind.NoSpace : WalErrorKind.Io;
        var failure = new WalException(kind, e.Message, e);
        _inFlightFailure ??= failure;
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
