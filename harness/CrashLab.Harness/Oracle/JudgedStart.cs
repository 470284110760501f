using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// A backend started and its recovery judged: the verdict, and the process when it started (the
/// caller owns it: puts load on it, or disposes it), with its stderr and how long it took from
/// spawn to its first event.
/// </summary>
public sealed record JudgedStart(RecoveryVerdict Verdict, BackendProcess? Process, TimeSpan SpawnToStart)
{
    /// <summary>The stderr of a backend that did not start (its process is gone).</summary>
    public string? StartStderr { get; init; }

    public string? Stderr => Process?.Stderr.ToString() ?? StartStderr;

    /// <summary>What the backend claimed in its ready event (null if it never got that far).</summary>
    public ReadyEvent? Ready => Process?.Ready;
}
