namespace CrashLab.Harness.WhiteBox;

/// <summary>
/// Which crash state to build after a kill: the mode ("drop-all", "random-subset", "prefix",
/// "keep-all", or "enumerated": the state at index <see cref="Seed"/> of the profile's
/// enumeration), its seed and the sector size, under which persistence profile, and, when known,
/// the state itself (<see cref="Outcomes"/>), so a case rebuilds exactly the state that failed.
/// </summary>
public sealed record StateChoice(string Mode, ulong Seed, int SectorSize)
{
    public const string Enumerated = "enumerated";

    /// <summary>The profile that composes or enumerates the state; null (cases written before profiles): posix.</summary>
    public string? Profile { get; init; }

    /// <summary>The state's outcome for each operation not durable at the kill; used whenever the kill's window has exactly these operations.</summary>
    public List<RecordedOutcome>? Outcomes { get; init; }

    /// <summary>For a person: "random-subset, seed 12, 512 B sectors, ext4-ordered".</summary>
    public string Describe() => $"{Mode}, seed {Seed}, {SectorSize} B sectors{(Profile != null ? $", {Profile}" : "")}";
}

/// <summary>
/// What a crash state did with one operation that was not durable: lost, kept, or (a write) kept
/// in part: the sectors that reached the disk and how far its size growth went.
/// </summary>
public sealed record RecordedOutcome(long Op, bool Survives)
{
    /// <summary>For a write: the sectors kept (0 = the sector of its first byte); null for a name or size operation.</summary>
    public int[]? Sectors { get; init; }

    /// <summary>For a write whose size growth went past its kept bytes: the file's end (zeros in between).</summary>
    public long? SizeEnd { get; init; }
}
