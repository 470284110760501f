namespace CrashLab.Storage.Faults.Plans;

/// <summary>
/// One fault and where it strikes: at exact operation numbers (<see cref="Ops"/>), or with odds
/// of one in <see cref="OneIn"/>, on files whose name matches <see cref="Path"/>, within the
/// window of operation numbers [<see cref="FromOp"/>, <see cref="UntilOp"/>); a read_eio rule
/// may instead name the reads it strikes (<see cref="Reads"/>).
/// </summary>
public sealed record FaultRule
{
    public FaultKind Kind { get; set; }

    /// <summary>Exact operation numbers (read numbers for read_eio).</summary>
    public long[] Ops { get; set; } = [];

    /// <summary>
    /// read_eio only: strike exactly these reads, named by file, byte and occurrence (what a case
    /// file carries, see <see cref="ReadTarget"/>); <see cref="Path"/> and the window do not apply
    /// to them. Null (every plan written before targets): none.
    /// </summary>
    public ReadTarget[]? Reads { get; set; }

    /// <summary>Strike one operation in N (decided per operation from the plan seed); 0 = only at <see cref="Ops"/>.</summary>
    public int OneIn { get; set; }

    /// <summary>A glob on the file name: <c>*</c>, <c>*.wal</c>, <c>0000*</c>.</summary>
    public string Path { get; set; } = "*";

    public long FromOp { get; set; }

    /// <summary>Exclusive end of the window; 0 = no end. For enospc, space returns at this operation.</summary>
    public long UntilOp { get; set; }

    /// <summary>write_eio: bytes written before the error.</summary>
    public int AfterBytes { get; set; }

    /// <summary>bit_flip: bits flipped per write.</summary>
    public int Bits { get; set; } = 1;

    /// <summary>misdirect: the write moves by 1..N sectors, forward or back.</summary>
    public int MaxSectors { get; set; } = 8;

    /// <summary>enospc: total bytes the data directory may hold.</summary>
    public long QuotaBytes { get; set; }
}
