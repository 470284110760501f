using CrashLab.Harness.Backends;
using CrashLab.Wal;

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
        new(Wal.Mutant.WriteOffsetWrong.Name(), "process-kill"),
        new(Wal.Mutant.TruncateOffByOne.Name(), "kill-during-truncation"),
        new(Wal.Mutant.LsnRestartAfterTruncate.Name(), "kill-during-truncation"),
        new(Wal.Mutant.AckBeforeFdatasync.Name(), "power-loss-drop-all"),
        new(Wal.Mutant.PartialGroupSync.Name(), "power-loss-drop-all"),
        new(Wal.Mutant.NoDirFsync.Name(), "power-loss-lost-dir-entries"),
        new(Wal.Mutant.NonAtomicBatch.Name(), "power-loss-torn-sectors"),
        new(Wal.Mutant.TornTailNotCut.Name(), "power-loss-torn-sectors"),
        new(Wal.Mutant.SkipBadRecord.Name(), "power-loss-torn-sectors"),
        new(Wal.Mutant.RetryFailedFsync.Name(), "fsync-eio"),
        new(Wal.Mutant.ReadErrorAsEnd.Name(), "read-eio-recovery"),
        new(Wal.Mutant.ReadErrorCutAndReported.Name(), "read-eio-recovery"),
        new(Wal.Mutant.ChecksumsNotVerified.Name(), "bitflip-at-rest"),
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
