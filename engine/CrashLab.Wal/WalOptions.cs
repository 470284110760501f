namespace CrashLab.Wal;

/// <summary>Settings of a log. Defaults suit production; tests use small segments.</summary>
public sealed record WalOptions
{
    /// <summary>Fixed size of every segment file (default 64 MiB).</summary>
    public long SegmentBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Zero-fill the next segment on a background thread, ahead of need. Off makes every storage
    /// operation happen on a request's own path, in a repeatable order (needed for crash points).
    /// </summary>
    public bool PrepareSegmentsInBackground { get; init; } = true;

    /// <summary>
    /// Write real zeros into a segment prepared on demand, not just reserve it: the first append
    /// of a new log pays the zero-fill, and every fdatasync after it skips extent conversion.
    /// </summary>
    public bool ZeroFillOnDemand { get; init; }

    /// <summary>A deliberate bug to inject (the conformance suite's known-bad backends); <see cref="Mutant.None"/> for the real engine.</summary>
    public Mutant Mutant { get; init; }

    /// <summary>Buffered unsynced bytes at which an appender writes them out itself.</summary>
    public int WriteBehindBytes { get; init; } = 1 << 20;

    public void Validate()
    {
        if (SegmentBytes is < WalLimits.MinSegmentBytes or > WalLimits.MaxSegmentBytes || SegmentBytes % 4096 != 0)
            throw new ArgumentException($"segment size {SegmentBytes} must be a multiple of 4096 between {WalLimits.MinSegmentBytes} and {WalLimits.MaxSegmentBytes} bytes");
        if (WriteBehindBytes < 4096)
            throw new ArgumentException($"write-behind {WriteBehindBytes} must be at least 4096 bytes");
    }
}
