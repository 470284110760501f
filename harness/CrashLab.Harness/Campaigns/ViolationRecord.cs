using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Campaigns;

/// <summary>A violation as reported: where it happened and where its case file is.</summary>
public sealed record ViolationRecord(string Scenario, ulong ChainSeed, int Cycle, string Stage, Violation Violation, string? CaseFile)
{
    /// <summary>The case's headline (cause first, then the rule), the same in every report; null: only the rule and its message are known.</summary>
    public string? Summary { get; init; }

    /// <summary>
    /// Crash states the scenario had checked when this violation was found, its own included (exact
    /// with one worker, as prove runs): a kill's later states, checked for profiles the violation
    /// did not fail, come after it.
    /// </summary>
    public int? StatesChecked { get; init; }

    /// <summary>What a report prints first for this violation.</summary>
    public string Sentence => Summary ?? $"{Violation.Message} (rule {Violation.Rule})";

    /// <summary>
    /// Whether the violation fails <paramref name="profile"/>: yes unless it was found in a crash
    /// state that profile does not admit (a violation outside a crash state, or in a process
    /// crash, fails every profile).
    /// </summary>
    public bool CountsAgainst(string profile) => Violation.AdmittedBy is not { } admitted || admitted.Contains(profile, StringComparer.Ordinal);
}
