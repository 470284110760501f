using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Conformance;

/// <summary>
/// A known-bad mutant and the scenario that must catch it (its level is the scenario's): a
/// reference-engine mutant by name, or a variant of the Python example as <c>python:NAME</c>
/// (<c>simple_wal.py --bug NAME</c>, a black-box backend).
/// </summary>
public sealed record DetectionTarget(string Mutant, string Scenario)
{
    public const string PythonPrefix = "python:";

    /// <summary>The Python example, shipped beside the harness.</summary>
    public static string PythonExample => Path.Combine(AppContext.BaseDirectory, "examples", "simple_wal.py");

    public bool IsPython => Mutant.StartsWith(PythonPrefix, StringComparison.Ordinal);

    /// <summary>The backend to run: the Python example with its bug, or <paramref name="engineMutant"/> for an engine mutant.</summary>
    public BackendSpec Backend(Func<string, BackendSpec> engineMutant)
        => IsPython ? new BackendSpec(Mutant, "python3", [PythonExample, "--bug", Mutant[PythonPrefix.Length..]], WhiteBox: false) : engineMutant(Mutant);

    /// <summary>Crash states within which every mutant must be caught.</summary>
    public const int Budget = 200;

    /// <summary>Every mutant of the reference engine, each with the scenario built for its class of bug.</summary>
    public static IReadOnlyList<DetectionTarget> All { get; } =
    [
        new("write-offset-wrong", "process-kill"),
        new("truncate-off-by-one", "kill-during-truncation"),
        new("lsn-restart-after-truncate", "kill-during-truncation"),
        new("ack-before-fdatasync", "power-loss-drop-all"),
        new("partial-group-sync", "power-loss-drop-all"),
        new("no-dir-fsync", "power-loss-lost-dir-entries"),
        new("non-atomic-batch", "power-loss-torn-sectors"),
        new("torn-tail-not-cut", "power-loss-torn-sectors"),
        new("skip-bad-record", "power-loss-torn-sectors"),
        new("retry-failed-fsync", "fsync-eio"),
        new("read-error-as-end", "read-eio-recovery"),
        new("read-error-cut-and-reported", "read-eio-recovery"),
        new("checksums-not-verified", "bitflip-at-rest"),
        new("python:ack-before-write", "process-kill"),
        new("python:refuse-appends", "process-kill"),
        new("python:fatal-after-crash", "process-kill"),
        new("python:excuse-forever", "bitflip-at-rest"),
        new("python:sync-lies", "process-kill"),
        new("python:stale-truncate", "truncate-unsynced-tail"),
        new("python:hole-on-kill", "process-kill"),
        new("python:drop-empty-first", "process-kill"),
        new("python:max-bytes-strict", "process-kill"),
        new("python:rewrite-in-place", "crash-during-recovery"),
    ];
}
