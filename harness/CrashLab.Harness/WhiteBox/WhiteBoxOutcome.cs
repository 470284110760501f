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

    /// <summary>Crash states composed but not checked: the same directory as one already checked after this kill.</summary>
    public int DuplicateStates { get; init; }

    /// <summary>Of the states checked (the failing one included), those whose crash put acknowledged durable data at risk.</summary>
    public int StatesAtRisk { get; init; }

    /// <summary>The run's kill (its crash point) landed before the backend said ready.</summary>
    public bool KilledBeforeReady { get; init; }

    /// <summary>A checked crash state's directory and the model after it, to continue the chain from.</summary>
    public (string Directory, ChainModelState Model)? Continuation { get; init; }

    public string? Stderr { get; init; }

    /// <summary>The model right after the run (before crash states were judged).</summary>
    public ChainModelState? ModelAfterRun { get; init; }

    /// <summary>For a violation in a crash state: the kill and the latest file-system operations with their fates, for reports.</summary>
    public Reports.Timeline? Timeline { get; init; }

    /// <summary>What the failing crash state's backend claimed in its ready event.</summary>
    public ReadyEvent? Ready { get; init; }

    public bool BackendFatal { get; init; }

    /// <summary>The name the backend gave in the run's ready event.</summary>
    public string? ReadyName { get; init; }

    /// <summary>What the backend said when it refused to start (its fatal message, or how it exited).</summary>
    public string? FatalReason { get; init; }
}
