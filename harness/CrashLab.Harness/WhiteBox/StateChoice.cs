namespace CrashLab.Harness.WhiteBox;

/// <summary>Which crash state to build after a kill: the mode, its seed and the sector size.</summary>
public sealed record StateChoice(string Mode, ulong Seed, int SectorSize)
{
    /// <summary>For a person: "random-subset, seed 12, 512 B sectors".</summary>
    public string Describe() => $"{Mode}, seed {Seed}, {SectorSize} B sectors";
}
