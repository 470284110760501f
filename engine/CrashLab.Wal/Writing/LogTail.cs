using CrashLab.Storage;
using CrashLab.Wal.Format;
using CrashLab.Wal.Reading;

namespace CrashLab.Wal.Writing;

/// <summary>
/// The writing end of the log: encodes frames into the pending buffer at the tail and rotates to a
/// fresh segment when one fills. Not thread-safe: the log calls it under its lock.
/// </summary>
internal sealed class LogTail(IFileSystem fs, string directory, ulong logId, long segmentBytes, SegmentPreparer preparer, List<Segment> segments, LogIndex index, WalOptions options)
{
    private bool _segmentHasRecordStart;

    public PendingWrites Pending { get; } = new();

    public Segment? Active { get; private set; } = segments.Count > 0 ? segments[^1] : null;

    public long Offset { get; set; } = SegmentHeader.DataStart;

    public long NextLsn { get; set; }

    /// <summary>How many new segments encoding these payloads would need.</summary>
    public int SegmentsNeeded(IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        var offset = Offset;
        var needed = Active == null ? 1 : 0;
        if (Active == null)
            offset = SegmentHeader.DataStart;
        foreach (var record in records)
        {
            var remaining = record.Length;
            while (true)
            {
                var n = FrameLayout.PayloadAt(offset, segmentBytes, remaining);
                if (n < 0)
                {
                    needed++;
                    offset = SegmentHeader.DataStart;
                    continue;
                }

                offset += FrameHeader.FrameSize(n);
                remaining -= n;
                if (remaining == 0)
                    break;
            }
        }

        return needed;
    }

    /// <summary>New segments a truncation marker needs (0 or 1).</summary>
    public int SegmentsNeededForMarker()
        => Active == null || FrameLayout.PayloadAt(Offset, segmentBytes, 8) != 8 ? 1 : 0;

    /// <summary>
    /// Encodes one atomic batch, unsealed; LSNs run on from <see cref="NextLsn"/>. Needs the segments
    /// counted by <see cref="SegmentsNeeded"/> ready. <paramref name="durableLsn"/> goes only into the
    /// header of a segment this activates, which is written at once.
    /// </summary>
    public void EncodeBatch(IReadOnlyList<ReadOnlyMemory<byte>> records, long durableLsn)
    {
        for (var i = 0; i < records.Count; i++)
        {
            var lsn = NextLsn + i;
            var data = records[i].Span;
            var done = 0;
            while (true)
            {
                if (Active == null)
                    Activate(lsn, durableLsn);
                var n = FrameLayout.PayloadAt(Offset, segmentBytes, data.Length - done);
                if (n < 0)
                {
                    Rotate(lsn, durableLsn);
                    continue;
                }

                var first = done == 0;
                var last = done + n == data.Length;
                var kind = (first, last) switch
                {
                    (true, true) => FrameKind.Full,
                    (true, false) => FrameKind.First,
                    (false, true) => FrameKind.Last,
                    _ => FrameKind.Middle,
                };
                if (first && LogIndex.Wants(lsn, !_segmentHasRecordStart))
                    index.Add(new LogIndex.Entry(lsn, Active!, Offset));
                _segmentHasRecordStart |= first;
                var flags = last && (i == records.Count - 1 || options.Is(Mutant.NonAtomicBatch)) ? FrameFlags.BatchEnd : FrameFlags.None;
                Put(kind, flags, lsn, (uint)done, data.Slice(done, n));
                done += n;
                if (last)
                    break;
            }
        }

        NextLsn += records.Count;
    }

    /// <summary>Encodes a truncation marker: the logical start becomes <paramref name="start"/>.</summary>
    public void EncodeTruncation(long start, long durableLsn)
    {
        Span<byte> payload = stackalloc byte[8];
        BitConverter.TryWriteBytes(payload, start);
        if (Active == null)
            Activate(NextLsn, durableLsn);
        if (FrameLayout.PayloadAt(Offset, segmentBytes, payload.Length) != payload.Length)
            Rotate(NextLsn, durableLsn);
        Put(FrameKind.Truncate, FrameFlags.BatchEnd, NextLsn, 0, payload);
    }

    private void Put(FrameKind kind, FrameFlags flags, long lsn, uint recordOffset, ReadOnlySpan<byte> payload)
    {
        var size = FrameHeader.FrameSize(payload.Length);
        var frame = Pending.Reserve(Active!, Offset, size);
        payload.CopyTo(frame[FrameHeader.Size..]);
        frame[(FrameHeader.Size + payload.Length)..].Clear();
        // Unsealed: the leader seals it (commit gap, header CRC) as it hands the group to the file.
        var header = new FrameHeader(FrameHeader.PayloadCrcOf(payload), lsn, (uint)Offset, (uint)payload.Length,
            0, recordOffset, kind, flags);
        header.WriteUnsealed(frame);
        Offset += size;
    }

    private void Rotate(long lsn, long durableLsn)
    {
        Put(FrameKind.SegmentEnd, FrameFlags.None, lsn, 0, []);
        Activate(lsn, durableLsn);
    }

    /// <summary>Header written and synced, then renamed into place and the directory synced: a segment is either absent or whole.</summary>
    private void Activate(long firstLsn, long durableLsn)
    {
        var number = (Active?.Number ?? 0) + 1;
        var prepared = preparer.Take();
        var page = new byte[SegmentHeader.DataStart];
        new SegmentHeader(logId, number, firstLsn, segmentBytes, durableLsn).Write(page);
        using (var file = fs.Open(prepared, OpenMode.OpenExisting))
        {
            file.Write(0, page);
            file.DataSync();
            // A misdirected write reports success: check the header landed before the segment goes live.
            var landed = new byte[SegmentHeader.Size];
            if (file.Read(0, landed) != landed.Length || !landed.AsSpan().SequenceEqual(page.AsSpan(0, SegmentHeader.Size)))
                throw new StorageException(StorageErrorKind.Io, Errno.EIO, "segment header read back differs from what was written", prepared);
        }

        var path = Path.Combine(directory, SegmentNames.For(number));
        fs.Rename(prepared, path);
        if (!options.Is(Mutant.NoDirFsync))
            fs.SyncDirectory(directory);
        Active = new Segment(number, firstLsn, segmentBytes, logId, fs.Open(path, OpenMode.OpenExisting));
        segments.Add(Active);
        Offset = SegmentHeader.DataStart;
        _segmentHasRecordStart = false;
    }

    /// <summary>Once the active segment is a quarter full, get the next one zero-filled in the background.</summary>
    public void PrepareAheadIfDue()
    {
        if (Active != null && Offset >= segmentBytes / 4)
            preparer.PrepareAhead();
    }
}
