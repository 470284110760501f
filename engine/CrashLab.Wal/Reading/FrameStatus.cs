namespace CrashLab.Wal.Reading;

internal enum FrameStatus
{
    /// <summary>Checksum, position and shape all check out.</summary>
    Valid,

    /// <summary>Something here, but not a valid frame for this place.</summary>
    Invalid,

    /// <summary>The offset leaves no room for a frame header before the segment ends.</summary>
    NoRoom,
}
