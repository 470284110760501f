using System.Diagnostics;
using CrashLab.Storage;

namespace CrashLab.Wal;

/// <summary>
/// Group commit by leader hand-off, with up to <see cref="WalOptions.GroupsInFlight"/> groups in
/// flight. The first caller that needs a flush becomes the leader and does the write and fdatasync
/// on its own thread: a lone writer never waits for another thread. Callers arriving meanwhile
/// queue up. As soon as the leader's pwrite has returned (its fdatasync still running), the first
/// waiter its group does not cover may lead the next group: it gathers, writes and fdatasyncs while
/// the first fdatasync runs, because this kind of disk does two concurrent fdatasyncs far cheaper
/// each than two in a row. Writes still reach the file one group at a time, in LSN order.
/// Groups are acknowledged in LSN order (<see cref="SettleLocked"/>), each only after its own
/// fdatasync and every earlier one returned success, and after the fdatasync of a later group
/// that ran concurrently with its own returned too: Linux reports a writeback error to only one
/// of two fdatasyncs racing on a file, so either one's failure fails both and poisons the log.
/// A leader whose previous group had k members first waits (briefly, bounded by half the last
/// flush's duration) for about k requests to queue: writers just released by a flush need a few
/// microseconds to come back, and without the wait groups alternate between large and tiny.
/// </summary>
public sealed partial class WriteAheadLog
{
    private readonly List<FlushWaiter> _waiters = [];

    /// <summary>Segments written and not yet known durable, with the sequence of the last group that wrote each.</summary>
    private readonly Dictionary<Segment, long> _unsynced = [];

    /// <summary>Groups taken and not yet settled, in sequence order.</summary>
    private readonly List<Flight> _flights = [];

    /// <summary>A leader is taking, sealing or writing its group: pwrites go to the file one group at a time.</summary>
    private bool _writing;
    private long _encodedSeq;
    private long _writtenSeq;
    private long _durableSeq;
    private long _writtenLsn;
    private long _durableLsn;
    private WalException? _poison;

    /// <summary>What the requests in flight when the log was poisoned get (io or no_space; later ones get <see cref="_poison"/>).</summary>
    private WalException? _inFlightFailure;
    private int _lastGroupSize = 1;
    private long _lastFlushTicks;

    private sealed class FlushWaiter(long sequence, bool durable)
    {
        public long Sequence { get; } = sequence;

        public bool Durable { get; } = durable;

        /// <summary>True: covered by a settled flush. False: you are the leader now.</summary>
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One group from the moment its leader took it until it is acknowledged or failed.</summary>
    private sealed class Flight(long sequence, long lsn, bool sync)
    {
        public long Sequence { get; } = sequence;

        public long Lsn { get; } = lsn;

        public bool Sync { get; } = sync;

        /// <summary>Its write (and fdatasync, if any) returned success.</summary>
        public bool Done { get; set; }

        /// <summary>A later group whose fdatasync began before this one's returned: it may have been handed this one's error.</summary>
        public Flight? Overlapped { get; set; }
    }

    private void FlushTo(long sequence, bool durable) => FlushToAsync(sequence, durable).AsTask().GetAwaiter().GetResult();

    private async ValueTask<long> FlushToAsync(long sequence, bool durable)
    {
        FlushWaiter? waiter = null;
        lock (_lock)
        {
            if (Reached(sequence, durable))
                return _durableLsn;
            ThrowIfUnusable();
            if (!Covered(sequence, durable) && CanLeadLocked())
                _writing = true;
            else
                _waiters.Add(waiter = new FlushWaiter(sequence, durable));
        }

        if (waiter != null && await waiter.Done.Task.ConfigureAwait(false))
            return DurableLsnNow();

        // Only a flush with an fdatasync to share waits for company; a write-behind's pwrite is cheap.
        if (durable)
            await GatherGroupAsync().ConfigureAwait(false);
        LeadOnce(durable);
        lock (_lock)
        {
            if (Reached(sequence, durable))
                return _durableLsn;
            if (_poison != null)
                throw _inFlightFailure ?? _poison;
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Written and synced, but an earlier group or an overlapping later one has not returned yet.
            _waiters.Add(waiter = new FlushWaiter(sequence, durable));
        }

        return await waiter.Done.Task.ConfigureAwait(false)
            ? DurableLsnNow()
            : throw new WalException(WalErrorKind.Io, "flush did not cover the request");
    }

    private long DurableLsnNow()
    {
        lock (_lock)
            return _durableLsn;
    }

    private bool Reached(long sequence, bool durable) => (durable ? _durableSeq : _writtenSeq) >= sequence;

    /// <summary>One write (+ fdatasync when anyone needs durability) of everything pending; settles what it can.</summary>
    private void LeadOnce(bool durable)
    {
        var started = Stopwatch.GetTimestamp();
        List<Writing.PendingWrites.Chunk> chunks;
        Segment[] toSync;
        long durableBefore;
        Flight flight;
        var writing = true;
        lock (_lock)
        {
            if (_poison != null || _disposed)
            {
                _writing = false;
                FailWaitersLocked(_poison ?? new WalException(WalErrorKind.Io, "the log is closed"));
                ThrowIfUnusable();
            }

            chunks = _tail.Pending.TakeAll();
            // Only settling moves the durable LSN, and it never claims a group still in flight.
            durableBefore = _durableLsn;
            var sync = durable || _waiters.Exists(w => w.Durable && !Covered(w.Sequence, true));
            flight = new Flight(_encodedSeq, _tail.NextLsn - 1, sync);
            _lastGroupSize = 1 + _waiters.Count(w => !Covered(w.Sequence, w.Durable));
            _flights.Add(flight);
            foreach (var chunk in chunks)
                _unsynced[chunk.Segment] = flight.Sequence;
            toSync = sync ? [.. _unsynced.Keys] : [];
        }

        try
        {
            try
            {
                foreach (var chunk in chunks)
                    chunk.Seal(durableBefore);
                if (_options.Is(Mutant.PartialGroupSync) && flight.Sync && chunks.Count > 0)
                    WriteSyncingPart(chunks, toSync);
                else
                    WriteGroup(chunks);
            }
            finally
            {
                foreach (var chunk in chunks)
                    chunk.Release();
            }

            lock (_lock)
            {
                _writing = writing = false;
                _writtenSeq = flight.Sequence;
                _writtenLsn = flight.Lsn;
                if (flight.Sync)
                {
                    // Its fdatasync starts now: every group still syncing may be handed this one's error.
                    foreach (var earlier in _flights)
                    {
                        if (earlier != flight && earlier.Sync && !earlier.Done)
                            earlier.Overlapped = flight;
                    }
                }

                CompleteReachedLocked();
                PromoteLocked();
            }

            if (!(_options.Is(Mutant.PartialGroupSync) && chunks.Count > 0))
                SyncGroup(toSync);
        }
        catch (StorageException e)
        {
            WalException failure;
            lock (_lock)
            {
                failure = PoisonLocked(e);
                if (writing)
                    _writing = false;
                _flights.Clear();
            }

            throw failure;
        }

        lock (_lock)
        {
            _lastFlushTicks = Stopwatch.GetTimestamp() - started;
            if (_poison != null)
                throw _inFlightFailure ?? _poison;
            flight.Done = true;
            if (flight.Sync)
            {
                foreach (var (segment, last) in _unsynced.ToList())
                {
                    if (last <= flight.Sequence)
                        _unsynced.Remove(segment);
                }
            }

            SettleLocked();
        }
    }

    /// <summary>
    /// Waits, up to half the last flush's duration, until as many requests queue as the last group
    /// held. Between checks the leader gives its thread back (<see cref="GlobalQueueYield"/>): the
    /// writers the last flush released were queued on this very thread, so a leader that spun on
    /// it (Thread.Yield) kept them from running until other threads stole them; under load the
    /// wait then often ran out and an fdatasync carried a single append.
    /// </summary>
    private async ValueTask GatherGroupAsync()
    {
        int expected;
        long budget;
        lock (_lock)
        {
            expected = _lastGroupSize;
            // Half a flush at most: waiting costs the group at most half a flush of latency and
            // gains a whole flush for every writer it adds (a fixed cap of microseconds lost the
            // writers a busy machine schedules late, and the groups alternated large and small).
            budget = _lastFlushTicks / 2;
        }

        if (expected <= 1)
            return;
        var deadline = Stopwatch.GetTimestamp() + budget;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            lock (_lock)
            {
                if (UncoveredWaitersLocked() + 1 >= expected)
                    return;
            }

            await default(GlobalQueueYield);
        }
    }
}
