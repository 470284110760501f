namespace CrashLab.Wal.Format;

/// <summary>What a frame carries. Zero is never valid, so preallocated zeros read as end of log.</summary>
internal enum FrameKind : byte
{
    /// <summary>A whole record.</summary>
    Full = 1,

    /// <summary>The first fragment of a record split across segments.</summary>
    First = 2,

    /// <summary>A middle fragment.</summary>
    Middle = 3,

    /// <summary>The last fragment.</summary>
    Last = 4,

    /// <summary>The log continues in the next segment (no payload).</summary>
    SegmentEnd = 5,

    /// <summary>A truncation point: payload is the new logical start LSN (8 bytes).</summary>
    Truncate = 6,
}
