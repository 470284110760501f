namespace CrashLab.Wal.Format;

/// <summary>
/// What a frame header's CRC covers besides the header: the log id and the segment number, so a
/// frame is valid only in its own segment of its own log (a stale frame from an earlier life of
/// the file, or one copied from another log, fails its CRC).
/// </summary>
internal readonly record struct FrameSalt(ulong LogId, long SegmentNumber);
