using CrashLab.Wal.Format;

namespace CrashLab.Wal.Recovery;

/// <summary>
/// Makes the recovered end of the log the real one, durably: zeroes every byte past the cut in the
/// tail segment, then retires later segments by zeroing their headers. Each step is repeatable, so
/// a crash in the middle leaves a state that recovers to the same cut.
/// </summary>
internal static class TailCutter
{
    private const int Chunk = 1 << 20;

    /// <param name="lastNonZero">The last non-zero byte past the cut in the tail segment, as the classifier found it; -1 if none.</param>
    public static void Cut(IReadOnlyList<Segment> segments, LogPosition cut, long lastNonZero)
    {
        var tail = segments[cut.SegmentIndex];
        var last = lastNonZero;
        var resized = tail.File.Length > tail.Size;
        if (last >= 0)
        {
            var end = Math.Min(tail.Size, (last + 512) & ~511L);
            ZeroRange(tail, cut.Offset, end);
        }

        // A misdirected write can land past the end and grow the file.
        if (resized)
            tail.File.SetLength(tail.Size);
        if (resized)
            tail.File.Sync();
        else if (last >= 0)
            tail.File.DataSync();

        for (var i = cut.SegmentIndex + 1; i < segments.Count; i++)
            Retire(segments[i]);
    }

    /// <summary>An all-zero header marks a segment nothing needs; rotation later replaces the file.</summary>
    private static void Retire(Segment segment)
    {
        segment.File.Write(0, new byte[SegmentHeader.DataStart]);
        segment.File.DataSync();
    }

    private static void ZeroRange(Segment segment, long from, long to)
    {
        var zeros = new byte[Math.Min(Chunk, to - from)];
        for (var at = from; at < to; at += zeros.Length)
            segment.File.Write(at, zeros.AsSpan(0, (int)Math.Min(zeros.Length, to - at)));
    }
}
