using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.WhiteBox;

/// <summary>What a white-box run found, and where the chain can go on from.</summary>
public sealed record WhiteBoxOutcome
{
    public Violation? Violation { get; init; }

    /// <summary>"recovery" (the run's own start), "run" (under load) or "power-loss" (a crash state).</summary>
    public string Stage { get; init; } = "";

    public StateChoice? FailingState { get; init; }

    public List<RecordedRequest> Requests { get; init; } = [];

    /// <summary>The last operation the journal recorded: the crash point that replays this kill.</summary>
    public long LastOperation { get; init; }

    public int StatesChecked { get; init; }

    /// <summary>A checked crash state's directory and the model after it, to continue the chain from.</summary>
    public (string Directory, ChainModelState Model)? Continuation { get; init; }

    public string? Stderr { get; init; }

    /// <summary>The model right after the run (before crash states were judged).</summary>
    public ChainModelState? ModelAfterRun { get; init; }

    public bool BackendFatal { get; init; }
}
