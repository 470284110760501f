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

    /// <summary>This run's share of the chains (default: all of them).</summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>
    /// Chains per scenario for the whole campaign (this shard runs the ones it owns); with it the
    /// amount of work is fixed, so sharded and unsharded runs do the same chains. Null: chains run
    /// until the crash-state or time budget is spent.
    /// </summary>
    public int? Chains { get; init; }

    /// <summary>Set by certify: the level requested, so a merge of sharded reports can issue the certificate.</summary>
    public string? CertifyLevel { get; init; }

    /// <summary>Wall-clock budget for the whole campaign, shared evenly by its scenarios.</summary>
    public TimeSpan? Duration { get; init; }

    public HarnessTimeouts Timeouts { get; init; } = HarnessTimeouts.Default;

    /// <summary>The persistence profiles to give verdicts for (--profile), weakest first; null: every known profile.</summary>
    public IReadOnlyList<string>? Profiles { get; init; }

    /// <summary>How far each power-loss kill's states are enumerated per profile (the exhaustive bound).</summary>
    public Storage.Faults.Profiles.EnumerationLimits Enumeration { get; init; } = Storage.Faults.Profiles.EnumerationLimits.Default;

    /// <summary>
    /// --fs auto: a FUSE backend runs on the mount only for the scenarios that need the shim (power
    /// loss, faults); process-kill scenarios run it on the plain directory, as `certify --level L1`
    /// does (a killed process leaves what it wrote, with or without the shim). False (--fs fuse): always on the mount.
    /// </summary>
    public bool MountOnlyForTheShim { get; init; }

    /// <summary>Keep running a scenario after its first violation (default: stop it, its verdict is known).</summary>
    public bool KeepGoing { get; init; }

    /// <summary>
    /// The number of this campaign's first worker among all that run at once in this process (a
    /// detection proof runs one-worker campaigns side by side): a FUSE run's CPU is chosen by it.
    /// </summary>
    public int FirstWorker { get; init; }

    /// <summary>A live display of the progress; when set, it replaces the plain lines.</summary>
    public IProgressView? View { get; init; }

    /// <summary>Progress lines go here (stderr by default); null for silence.</summary>
    public TextWriter? Progress { get; init; } = Console.Error;
}
