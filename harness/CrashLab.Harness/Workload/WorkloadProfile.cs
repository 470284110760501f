namespace CrashLab.Harness.Workload;

/// <summary>The shape of the load a run puts on a backend.</summary>
public sealed record WorkloadProfile
{
    /// <summary>Requests in flight at once (pipelining).</summary>
    public int MaxInFlight { get; init; } = 8;

    public int MaxBatchRecords { get; init; } = 64;

    /// <summary>Largest record; occasional records this big exercise multi-segment frames.</summary>
    public int MaxRecordBytes { get; init; } = 1 << 20;

    /// <summary>Share of large records (64 KiB up to <see cref="MaxRecordBytes"/>).</summary>
    public double LargeRecordShare { get; init; } = 0.01;

    public double SyncAppendShare { get; init; } = 0.35;

    public double SyncShare { get; init; } = 0.05;

    public double TruncateShare { get; init; } = 0.02;

    /// <summary>
    /// Share of runs that send no truncation at all: a bug that keeps a stale truncation bound shows
    /// only at a restart that no newer truncation preceded (a newer one rewrites the evidence).
    /// </summary>
    public double QuietRunShare { get; init; }

    public double ReadShare { get; init; } = 0.04;

    public double StatShare { get; init; } = 0.02;

    /// <summary>
    /// When the live log grows past this, the next request truncates it (keeping the newest
    /// quarter), as a checkpointing application would: every check reads the whole log back, so
    /// its length is paid at every crash state. The L2 power-loss scenarios set 512 KiB: at 2 MiB
    /// their states' logs averaged 1.2-1.45 MiB, and `crashlab prove` caught none of their mutants
    /// later at 512 KiB (docs/harness.md, "How long the live log is").
    /// </summary>
    public long MaxLiveLogBytes { get; init; } = 2 << 20;

    /// <summary>Milliseconds of load before the timed kill: drawn uniformly from this range.</summary>
    public int MinRunMs { get; init; } = 20;

    public int MaxRunMs { get; init; } = 250;

    /// <summary>
    /// The timed kill comes sooner when the backend is quick: right after the n-th request of the
    /// run is on its stdin (n drawn from 1 to this), if that is before the drawn time. A kill needs
    /// work done since the start and requests in flight, not milliseconds: a fast backend on a fast
    /// file system reaches the same depth of work in less time. 0 (the default): time alone
    /// decides; `crashlab prove` measured fewer mutants caught early with 64 (issue 23), so a
    /// scenario opts in only with a prove run that shows no loss.
    /// </summary>
    public int MaxRequestsPerRun { get; init; }

    public static WorkloadProfile Default { get; } = new();
}
