using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Campaigns;

/// <summary>A violation as reported: where it happened and where its case file is.</summary>
public sealed record ViolationRecord(string Scenario, ulong ChainSeed, int Cycle, string Stage, Violation Violation, string? CaseFile);
