using CrashLab.Wal.Format;
using CrashLab.Wal.Reading;

namespace CrashLab.Wal.Recovery;

/// <summary>
/// Decides whether what lies past the last complete unit is a torn tail (normal after a crash:
/// cut it silently) or damage to data that may have been acknowledged (report it).
/// </summary>
/// <remarks>
/// Three facts make the call. (1) Past the end of the log the engine keeps every byte zero (new
/// segments are zero-filled, cut tails are zeroed durably), so a torn write leaves at least one
/// 512-byte sector of the frame all zero, while a bit flip leaves none. (2) Every frame carries
/// the durable LSN of the moment it was written, so a later frame that knew the damaged LSN was
/// durable proves media damage, and a frame written when every byte before it was durable proves
/// that whatever is missing before it (even a truncation marker, which has no LSN) had been. (3) Frames carry their own offset, so a valid frame found at
/// another offset is a misdirected write, as are bytes past a segment's end (a write that landed
/// there grew the file). Without a media fault none of them can fire: no false alarms.
/// </remarks>
internal static class DamageClassifier
{
    private const int Sector = 512;

    /// <param name="cursor">A cursor to move over the segments (the scan's: its window is reused).</param>
    public static CorruptionReport? Classify(IReadOnlyList<Segment> candidates, ScanResult scan, FrameCursor cursor)
    {
        scan.LastNonZero = LastNonZero(cursor.MoveTo(candidates[scan.Cut.SegmentIndex]), scan.Cut.Offset);
        var tailIsZero = scan.Stop.SegmentIndex == scan.Cut.SegmentIndex && scan.LastNonZero < 0;
        if (tailIsZero && !scan.ChainBroken)
            return null;

        var lsn = scan.NextLsn;
        if (scan.ChainBroken)
            return new CorruptionReport(lsn, scan.StopReason);

        for (var i = scan.Cut.SegmentIndex; i < candidates.Count; i++)
        {
            var from = i == scan.Cut.SegmentIndex ? scan.Cut.Offset : SegmentHeader.DataStart;
            var evidence = FindEvidence(cursor.MoveTo(candidates[i]), from, lsn, afterCut: i == scan.Cut.SegmentIndex ? from : -1);
            if (evidence != null)
                return new CorruptionReport(lsn, $"{candidates[i]}: {evidence}");
        }

        var stopped = cursor.MoveTo(candidates[scan.Stop.SegmentIndex]);
        return scan.Stop.Offset + FrameHeader.Size <= stopped.Segment.Size && LooksTorn(stopped, scan.Stop.Offset)
            ? null
            : new CorruptionReport(lsn, $"{stopped.Segment} offset {scan.Stop.Offset}: {scan.StopReason}, and no sector of it is unwritten (not a torn write)");
    }

    /// <summary>Offset of the last non-zero byte at or after <paramref name="offset"/>, or -1.</summary>
    public static long LastNonZero(FrameCursor cursor, long offset)
    {
        const int Chunk = 1 << 20;
        var last = -1L;
        for (var at = offset; at < cursor.FileLength; at += Chunk)
        {
            var bytes = cursor.Bytes(at, (int)Math.Min(Chunk, cursor.FileLength - at));
            var i = bytes.LastIndexOfAnyExcept((byte)0);
            if (i >= 0)
                last = at + i;
        }

        return last;
    }

    /// <summary>A frame header past the cut that proves the cut LSN had been durable, or was written to the wrong place.</summary>
    /// <param name="afterCut">A frame beyond this offset that was written when all before it was durable proves the cut lost durable bytes (-1: any frame of this segment).</param>
    private static string? FindEvidence(FrameCursor cursor, long from, long lostLsn, long afterCut)
    {
        // The engine never writes past a segment's size (segments are made at their full size), so
        // bytes there are a write that landed past the end; frames there are out of a header's reach.
        var pastEnd = LastNonZero(cursor, Math.Max(from, cursor.Segment.Size));
        if (pastEnd >= 0)
            return $"data was found at offset {pastEnd}, past the segment's end at {cursor.Segment.Size}: misdirected write";

        var at = from;
        while (at + FrameHeader.Size <= cursor.FileLength)
        {
            var window = cursor.Bytes(at, (int)Math.Min(1 << 20, cursor.FileLength - at));
            var skip = window.IndexOfAnyExcept((byte)0);
            if (skip < 0)
            {
                at += window.Length;
                continue;
            }

            at += skip & ~7;
            if (!cursor.TryReadHeader(at, out var header))
            {
                at += 8;
                continue;
            }

            if (header.Offset != at)
                return $"a frame header for offset {header.Offset} (LSN {header.Lsn}) was found at offset {at}: misdirected write";
            if (header.CommitLsn >= lostLsn)
                return $"the frame of LSN {header.Lsn} was written after LSN {header.CommitLsn} was durable, so LSN {lostLsn} had been acknowledged";
            if (header.IsAfterDurable && at > afterCut)
                return $"the frame of LSN {header.Lsn} at offset {at} was written when every byte of the log before it was durable, so what lies at the cut had been acknowledged";
            at += header.FrameSize();
        }

        return null;
    }

    /// <summary>Does the frame at <paramref name="offset"/> have an all-zero (unwritten) sector where its writer put data?</summary>
    private static bool LooksTorn(FrameCursor cursor, long offset)
    {
        var head = cursor.Bytes(offset, FrameHeader.Size);
        if (head.Length < FrameHeader.Size || HasZeroSector(head, offset))
            return true;
        if (!cursor.TryReadHeader(offset, out var header) || header.Offset != offset)
            return false;
        var frame = cursor.Bytes(offset, FrameHeader.Size + (int)header.Length);
        return frame.Length == FrameHeader.Size + header.Length && HasZeroSector(frame[FrameHeader.Size..], offset + FrameHeader.Size);
    }

    /// <summary>Whether some 512-byte file sector's share of <paramref name="bytes"/> (which start at file offset <paramref name="offset"/>) is all zero.</summary>
    internal static bool HasZeroSector(ReadOnlySpan<byte> bytes, long offset)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var sectorEnd = (int)Math.Min(bytes.Length, Sector - ((offset + i) % Sector) + i);
            if (bytes[i..sectorEnd].IndexOfAnyExcept((byte)0) < 0)
                return true;
            i = sectorEnd;
        }

        return false;
    }
}
