namespace CrashLab.Wal;

/// <summary>Hard limits of the format and the protocol.</summary>
public static class WalLimits
{
    /// <summary>Largest record: 16 MiB (protocol v1).</summary>
    public const int MaxRecordBytes = 16 << 20;

    /// <summary>Smallest segment: big enough for the header page and a few frames.</summary>
    public const long MinSegmentBytes = 16 << 10;

    /// <summary>Largest segment: frame offsets are 32-bit.</summary>
    public const long MaxSegmentBytes = 1L << 31;
}
