using CrashLab.Storage;
using CrashLab.Wal.Reading;
using CrashLab.Wal.Recovery;
using CrashLab.Wal.Writing;

namespace CrashLab.Wal;

/// <summary>
/// The reference write-ahead log. <see cref="Open"/> recovers; appends get contiguous LSNs in
/// call order and are atomic per batch; durability is shared by concurrent callers (group commit).
/// Thread-safe.
/// </summary>
public sealed partial class WriteAheadLog : IDisposable
{
    private readonly object _lock = new();
    private readonly IFileSystem _fs;
    private readonly string _directory;
    private readonly WalOptions _options;
    private readonly List<Segment> _segments;
    private readonly LogIndex _index;
    private readonly LogTail _tail;
    private readonly SegmentPreparer _preparer;
    private long _firstLsn;
    private bool _disposed;

    private WriteAheadLog(IFileSystem fs, string directory, WalOptions options, RecoveredLog recovered)
    {
        _fs = fs;
        _directory = directory;
        _options = options;
        _segments = recovered.Segments;
        _index = recovered.Index;
        var segmentBytes = _segments.Count > 0 ? _segments[0].Size : options.SegmentBytes;
        _preparer = new SegmentPreparer(fs, directory, segmentBytes, options.PrepareSegmentsInBackground, options.ZeroFillOnDemand);
        _tail = new LogTail(fs, directory, recovered.LogId, segmentBytes, _preparer, _segments, _index, options)
        {
            Offset = recovered.TailOffset,
            NextLsn = recovered.NextLsn,
        };
        _firstLsn = recovered.FirstLsn;
        _durableLsn = _writtenLsn = recovered.NextLsn - 1;
        Corruption = recovered.Corruption;
        RecoveredRecords = recovered.Records;
        RecoveredBytes = recovered.Bytes;
    }

    /// <summary>Damage recovery found that may have destroyed acknowledged records; null after a clean (or merely torn) end.</summary>
    public CorruptionReport? Corruption { get; }

    public long RecoveredRecords { get; }

    public long RecoveredBytes { get; }

    /// <summary>Recovers the log in <paramref name="directory"/> (created if missing) and opens it for appends.</summary>
    /// <exception cref="WalException">The log cannot be opened (Io: unreadable or damaged beyond recovery).</exception>
    public static WriteAheadLog Open(IFileSystem fs, string directory, WalOptions? options = null)
    {
        options ??= new WalOptions();
        options.Validate();
        try
        {
            return new WriteAheadLog(fs, directory, options, LogRecovery.Run(fs, directory, options));
        }
        catch (StorageException e)
        {
            throw new WalException(e.Kind == StorageErrorKind.NoSpace ? WalErrorKind.NoSpace : WalErrorKind.Io, $"recovery failed: {e.Message}", e);
        }
    }

    public WalStatus Status
    {
        get
        {
            lock (_lock)
                return new WalStatus(_firstLsn, _tail.NextLsn, _durableLsn);
        }
    }

    /// <summary>
    /// Appends one atomic batch and returns at once with its LSNs; the bytes are buffered until a
    /// flush. LSNs follow call order. Throws BadRequest, NoSpace (nothing changed), Io or Poisoned.
    /// </summary>
    public AppendTicket Append(IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
            throw new WalException(WalErrorKind.BadRequest, "a batch needs at least one record");
        foreach (var record in records)
        {
            if (record.Length > WalLimits.MaxRecordBytes)
                throw new WalException(WalErrorKind.BadRequest, $"record of {record.Length} bytes exceeds the {WalLimits.MaxRecordBytes}-byte limit");
        }

        AppendTicket ticket;
        bool writeBehind;
        lock (_lock)
        {
            ThrowIfUnusable();
            PrepareSegments(_tail.SegmentsNeeded(records));
            var first = _tail.NextLsn;
            Encode(() => _tail.EncodeBatch(records, _durableLsn));
            ticket = new AppendTicket(first, _tail.NextLsn - 1, ++_encodedSeq);
            _tail.PrepareAheadIfDue();
            writeBehind = !_ioBusy && _tail.Pending.Bytes >= _options.WriteBehindBytes;
        }

        if (writeBehind)
            FlushTo(ticket.Sequence, durable: false);
        return ticket;
    }

    /// <summary>Appends a batch; with <paramref name="sync"/>, completes once it and everything before it is durable.</summary>
    public async ValueTask<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, bool sync)
    {
        var ticket = Append(records);
        if (!sync)
            return new AppendResult(ticket.FirstLsn, ticket.LastLsn, null);
        var durable = await FlushToAsync(ticket.Sequence, durable: true).ConfigureAwait(false);
        return new AppendResult(ticket.FirstLsn, ticket.LastLsn, durable);
    }

    /// <summary>Makes everything appended so far durable; returns the durable LSN.</summary>
    public ValueTask<long> SyncAsync()
    {
        long sequence;
        lock (_lock)
            sequence = _encodedSeq;
        return FlushToAsync(sequence, durable: true);
    }

    /// <summary>Completes once the batch of <paramref name="ticket"/> and everything before it is durable; returns the durable LSN.</summary>
    public ValueTask<long> WaitDurableAsync(AppendTicket ticket) => FlushToAsync(ticket.Sequence, durable: true);

    /// <summary>Hands buffered frames to the OS without waiting for durability (they then survive a process crash).</summary>
    public void WriteBuffered()
    {
        long sequence;
        lock (_lock)
        {
            if (_poison != null || _disposed || _writtenSeq >= _encodedSeq)
                return;
            sequence = _encodedSeq;
        }

        FlushTo(sequence, durable: false);
    }

    private void PrepareSegments(int count)
    {
        if (count == 0)
            return;
        try
        {
            _preparer.EnsureReady(count);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.NoSpace)
        {
            throw new WalException(WalErrorKind.NoSpace, $"no space for a new segment: {e.Message}", e);
        }
        catch (StorageException e)
        {
            throw new WalException(WalErrorKind.Io, $"could not prepare a new segment: {e.Message}", e);
        }
    }

    /// <summary>Encoding can fail half-way only in segment activation I/O; the half batch must never reach disk.</summary>
    private void Encode(Action encode)
    {
        try
        {
            encode();
        }
        catch (StorageException e)
        {
            throw PoisonLocked(e);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_poison != null)
            throw _poison;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _tail.Pending.Discard();
        }

        EndGather();
        _preparer.Dispose();
        foreach (var segment in _segments)
            segment.Dispose();
    }
}
