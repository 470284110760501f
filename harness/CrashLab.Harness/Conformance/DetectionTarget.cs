namespace CrashLab.Harness.Conformance;

/// <summary>A known-bad mutant and the scenario that must catch it (its level is the scenario's).</summary>
public sealed record DetectionTarget(string Mutant, string Scenario)
{
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
        new("checksums-not-verified", "bitflip-at-rest"),
    ];
}
