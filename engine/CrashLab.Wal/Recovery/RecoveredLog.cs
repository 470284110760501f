using CrashLab.Wal.Reading;

namespace CrashLab.Wal.Recovery;

/// <summary>The state recovery hands to the writer.</summary>
internal sealed record RecoveredLog(
    ulong LogId,
    List<Segment> Segments,
    long FirstLsn,
    long NextLsn,
    long TailOffset,
    LogIndex Index,
    CorruptionReport? Corruption,
    long Records,
    long Bytes);
