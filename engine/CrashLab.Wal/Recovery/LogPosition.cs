namespace CrashLab.Wal.Recovery;

/// <summary>A place in the chain of segments: which segment (index into the chain) and the byte offset.</summary>
internal readonly record struct LogPosition(int SegmentIndex, long Offset);
