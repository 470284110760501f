using CrashLab.Wal.Reading;

namespace CrashLab.Wal.Recovery;

/// <summary>What a scan of the chain found.</summary>
internal sealed class ScanResult
{
    /// <summary>Just past the last complete atomic unit: where the log really ends.</summary>
    public LogPosition Cut { get; set; }

    /// <summary>The LSN the next record gets: the first one recovery could not (or need not) recover.</summary>
    public long NextLsn { get; set; }

    /// <summary>The first invalid frame (or chain break) after the cut; may just be the zeros past the end.</summary>
    public LogPosition Stop { get; set; }

    public string StopReason { get; set; } = "";

    /// <summary>The stop is a broken chain (a needed segment missing or invalid): damage, not a torn tail.</summary>
    public bool ChainBroken { get; set; }

    /// <summary>Offset of the last non-zero byte at or past the cut in the cut segment, -1 if none (set by the classifier).</summary>
    public long LastNonZero { get; set; } = -1;

    public long? FirstRecordLsn { get; set; }

    public long LogicalStart { get; set; }

    public long Records { get; set; }

    public long Bytes { get; set; }

    public LogIndex Index { get; } = new();
}
