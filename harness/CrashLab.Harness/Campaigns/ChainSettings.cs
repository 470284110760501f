using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Campaigns;

/// <summary>Everything one chain needs: what to run, which scenario, seeds, where, how long to wait.</summary>
public sealed record ChainSettings(
    BackendSpec Backend,
    string BackendLabel,
    bool BackendIsCommand,
    Scenario Scenario,
    ulong CampaignSeed,
    ulong ChainSeed,
    string WorkDir,
    string CasesDir,
    HarnessTimeouts Timeouts)
{
    private const string Mark = ".crashlab-chain";

    /// <summary>Creates the chain's work directory with a mark in it, by which a deletion during the run is told.</summary>
    public void CreateWorkDir()
    {
        Directory.CreateDirectory(WorkDir);
        File.WriteAllText(Path.Combine(WorkDir, Mark), "");
    }

    /// <summary>
    /// False once the work directory was deleted under the run (a backend may have created the
    /// path again, the mark is gone): what the backend did then is the harness's trouble, not a finding.
    /// </summary>
    public bool WorkDirIntact => File.Exists(Path.Combine(WorkDir, Mark));

    /// <summary>The persistence profiles whose verdicts the chain looks for; null: every known profile.</summary>
    public IReadOnlyList<string>? Profiles { get; init; }

    /// <summary>How far each kill's states are enumerated (the bound on an exhaustive kill); null: only the seeded states.</summary>
    public Storage.Faults.Profiles.EnumerationLimits? Enumeration { get; init; } = Storage.Faults.Profiles.EnumerationLimits.Default;
}
