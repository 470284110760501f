namespace CrashLab.Storage.Faults.Plans;

/// <summary>
/// Kill the process (SIGKILL, from inside) at mutating operation <see cref="AtOp"/>, after
/// performing the first <see cref="PerformBytes"/> bytes of it (a write), or all of it, or none.
/// </summary>
public sealed record CrashPoint
{
    public long AtOp { get; set; }

    /// <summary>For a write: how many of its bytes reach the file first. Null: all of the operation.</summary>
    public int? PerformBytes { get; set; }

    /// <summary>For any operation: false kills just before it.</summary>
    public bool Perform { get; set; } = true;
}
