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
    HarnessTimeouts Timeouts);
