namespace Acme.Ledger;

/// <summary>Settings of a ledger log.</summary>
public sealed record LedgerOptions
{
    /// <summary>A segment takes new flushes until it holds this many bytes; then the next flush starts a new one.</summary>
    public long SegmentBytes { get; init; } = 4 << 20;

    /// <summary>
    /// One of two classic mistakes, put back on purpose to show what CrashLab's properties catch
    /// (the example's teaching switch; a real log has no such setting).
    /// </summary>
    public LedgerBug Bug { get; init; }
}

public enum LedgerBug
{
    None,

    /// <summary>Group commit completes the waiting appends before the group's fdatasync.</summary>
    AckBeforeFsync,

    /// <summary>A checkpoint is renamed into place without an fsync of its contents first.</summary>
    RenameWithoutFsync,
}
