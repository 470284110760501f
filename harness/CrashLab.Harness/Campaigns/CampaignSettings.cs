using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Campaigns;

/// <summary>A campaign: which backend, which scenarios, how much, how parallel, where the reports go.</summary>
public sealed record CampaignSettings(
    BackendSpec Backend,
    string BackendLabel,
    bool BackendIsCommand,
    IReadOnlyList<Scenario> Scenarios,
    ulong Seed,
    int Workers,
    string OutDir)
{
    /// <summary>Crash states to check per scenario; null: the scenario's own budget (or unbounded with a duration).</summary>
    public int? StatesPerScenario { get; init; }

    /// <summary>Wall-clock budget for the whole campaign, shared evenly by its scenarios.</summary>
    public TimeSpan? Duration { get; init; }

    public HarnessTimeouts Timeouts { get; init; } = HarnessTimeouts.Default;

    /// <summary>Keep running a scenario after its first violation (default: stop it, its verdict is known).</summary>
    public bool KeepGoing { get; init; }

    /// <summary>Progress lines go here (stderr by default); null for silence.</summary>
    public TextWriter? Progress { get; init; } = Console.Error;
}
