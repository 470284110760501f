using CrashLab.Wal.Format;

namespace CrashLab.Wal.Writing;

/// <summary>Where frames go: a record is split across segments when it does not fit, and room for a segment-end frame is always kept.</summary>
internal static class FrameLayout
{
    /// <summary>Every segment keeps room for the frame that says "continued in the next segment".</summary>
    public const int SegmentEndReserve = FrameHeader.Size;

    private const int MinFragment = 64;

    /// <summary>Payload bytes of the next frame at <paramref name="offset"/>, or -1 when the segment must end here.</summary>
    public static int PayloadAt(long offset, long segmentSize, int remaining)
    {
        var available = segmentSize - SegmentEndReserve - offset;
        if (FrameHeader.FrameSize(remaining) <= available)
            return remaining;
        var room = (available - FrameHeader.Size) & ~7L;
        return room >= MinFragment ? (int)room : -1;
    }
}
