namespace CrashLab.Storage.Faults.Plans;

/// <summary>
/// One fault and where it strikes: at exact operation numbers (<see cref="Ops"/>), or with odds
/// of one in <see cref="OneIn"/>, on files whose name matches <see cref="Path"/>, within the
/// window of operation numbers [<see cref="FromOp"/>, <see cref="UntilOp"/>).
/// </summary>
public sealed record FaultRule
{
    public FaultKind Kind { get; init; }

    /// <summary>Exact operation numbers (read numbers for read_eio).</summary>
    public long[] Ops { get; init; } = [];

    /// <summary>Strike one operation in N (decided per operation from the plan seed); 0 = only at <see cref="Ops"/>.</summary>
    public int OneIn { get; init; }

    /// <summary>A glob on the file name: <c>*</c>, <c>*.wal</c>, <c>0000*</c>.</summary>
    public string Path { get; init; } = "*";

    public long FromOp { get; init; }

    /// <summary>Exclusive end of the window; 0 = no end. For enospc, space returns at this operation.</summary>
    public long UntilOp { get; init; }

    /// <summary>write_eio: bytes written before the error.</summary>
    public int AfterBytes { get; init; }

    /// <summary>bit_flip: bits flipped per write.</summary>
    public int Bits { get; init; } = 1;

    /// <summary>misdirect: the write moves by 1..N sectors, forward or back.</summary>
    public int MaxSectors { get; init; } = 8;

    /// <summary>enospc: total bytes the data directory may hold.</summary>
    public long QuotaBytes { get; init; }
}
