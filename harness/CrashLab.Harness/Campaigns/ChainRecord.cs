namespace CrashLab.Harness.Campaigns;

/// <summary>One chain as reported: its number within the scenario (which fixes its seed), and how it went.</summary>
public sealed record ChainRecord(int Index, ulong Seed, int States, int Cycles, int Violations, bool FatalStart)
{
    public string Verdict => Violations > 0 ? "fail" : "pass";
}
