using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Harness.WhiteBox;

/// <summary>What a white-box run found, and where the chain can go on from.</summary>
public sealed record WhiteBoxOutcome
{
    public Violation? Violation { get; init; }

    /// <summary>"recovery" (the run's own start), "run" (under load) or "power-loss" (a crash state).</summary>
    public string Stage { get; init; } = "";

    public StateChoice? FailingState { get; init; }

    public List<RecordedRequest> Requests { get; init; } = [];

    /// <summary>The crash point that replays this kill (the journal's last operation), if the run got that far.</summary>
    public CrashPoint? ReplayPoint { get; init; }

    public int StatesChecked { get; init; }

    /// <summary>For a finding in a crash state: the kill's states checked when it was found, its own included (0: found outside a crash state).</summary>
    public int StatesToFinding { get; init; }

    /// <summary>Crash states composed but not checked: the same directory as one already checked after this kill.</summary>
    public int DuplicateStates { get; init; }

    /// <summary>Each crash state that was checked (the failing ones too), with the profiles that admit it (for the per-profile tally).</summary>
    public List<CheckedState> Checked { get; init; } = [];

    /// <summary>For each requested profile: whether the kill's states were checked exhaustively, or of about how many.</summary>
    public List<ProfileCoverage> Coverage { get; init; } = [];

    /// <summary>
    /// Violations found in later states of the same kill, under profiles the first one did not
    /// fail (a state only posix admits fails posix; the states ext4-ordered admits are still checked).
    /// </summary>
    public List<WhiteBoxOutcome> LaterFindings { get; init; } = [];

    /// <summary>The requested profiles with no violation in this run: the ones the chain goes on for.</summary>
    public IReadOnlyList<string>? StillPassing { get; init; }

    /// <summary>Of the states checked (the failing one included), those whose crash put acknowledged durable data at risk.</summary>
    public int StatesAtRisk { get; init; }

    /// <summary>What ended the run's load, as its timeline says (<see cref="Reports.Timeline.KilledBy"/>); null: it never got that far.</summary>
    public string? KilledBy { get; init; }

    /// <summary>The run's kill (its crash point) landed before the backend said ready.</summary>
    public bool KilledBeforeReady { get; init; }

    /// <summary>
    /// A checked crash state's directory, the model after it, and the profiles that admit it (null:
    /// every profile), to continue the chain from.
    /// </summary>
    public (string Directory, ChainModelState Model, IReadOnlyList<string>? AdmittedBy)? Continuation { get; init; }

    public string? Stderr { get; init; }

    /// <summary>The model right after the run (before crash states were judged).</summary>
    public ChainModelState? ModelAfterRun { get; init; }

    /// <summary>For a violation in a crash state: the kill and the latest file-system operations with their fates, for reports.</summary>
    public Reports.Timeline? Timeline { get; init; }

    /// <summary>What the failing crash state's backend claimed in its ready event.</summary>
    public ReadyEvent? Ready { get; init; }

    /// <summary>
    /// For a finding in a crash state recovered under read faults: the recovery plan that strikes
    /// the reads that recovery's reads struck, named by file, byte and occurrence (what a case
    /// replays; drawn odds would strike other reads when the kernel sends other ones).
    /// </summary>
    public FaultPlan? ReplayRecoveryPlan { get; init; }

    public bool BackendFatal { get; init; }

    /// <summary>The name the backend gave in the run's ready event.</summary>
    public string? ReadyName { get; init; }

    /// <summary>What the backend said when it refused to start (its fatal message, or how it exited).</summary>
    public string? FatalReason { get; init; }
}

/// <summary>A crash state that was checked: the profiles that admit it (null: every one) and whether durable data was at risk.</summary>
public sealed record CheckedState(IReadOnlyList<string>? AdmittedBy, bool DurableDataAtRisk);
