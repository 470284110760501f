using System.Diagnostics;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Where a crash state's time goes, summed over every worker of the process: the backend's own
/// stages (spawn to ready, which includes its recovery; the load window) against the harness's
/// (reading the log back and judging it, the probe append, kill and reap, building the state
/// from the journal). The benchmarks print it to show what is worth cutting; it costs two clock
/// reads per stage.
/// </summary>
public static class StageTimes
{
    public enum Stage
    {
        /// <summary>Spawn until the ready event: process start-up plus the backend's recovery (FUSE: the mount too).</summary>
        SpawnToReady,

        /// <summary>Reading the whole recovered log back and checking it against the model.</summary>
        ReadAndJudge,

        /// <summary>The first append after recovery, synced (rule 6).</summary>
        Probe,

        /// <summary>Load until the kill.</summary>
        LoadWindow,

        /// <summary>SIGKILL until the process (and its FUSE mount) is gone.</summary>
        KillAndReap,

        /// <summary>Reading the undo journal and the killed directory into a crash-state builder.</summary>
        LoadJournal,

        /// <summary>Composing one crash state and writing it as a directory.</summary>
        BuildState,

        /// <summary>Choosing a kill's crash states: each profile's states enumerated, fingerprinted and deduplicated (once per kill).</summary>
        PlanStates,

        /// <summary>A start killed while it recovers, from spawn until it is reaped (it checks nothing itself: the next start judges what it left).</summary>
        KillDuringRecovery,

        /// <summary>Keeping the data directory as it was before a start, for the case file should that start fail.</summary>
        Snapshot,
    }

    private static readonly long[] Ticks = new long[Enum.GetValues<Stage>().Length];
    private static readonly long[] Counts = new long[Ticks.Length];

    /// <summary>Times the stage until the returned value is disposed.</summary>
    public static Timing Time(Stage stage) => new(stage, Stopwatch.GetTimestamp());

    public static void Add(Stage stage, TimeSpan elapsed)
    {
        Interlocked.Add(ref Ticks[(int)stage], elapsed.Ticks);
        Interlocked.Increment(ref Counts[(int)stage]);
    }

    public static void Reset()
    {
        Array.Clear(Ticks);
        Array.Clear(Counts);
    }

    /// <summary>Each stage: total time over all workers and how many times it ran.</summary>
    public static IReadOnlyList<(Stage Stage, TimeSpan Total, long Count)> Snapshot()
        => [.. Enum.GetValues<Stage>().Select(s => (s, TimeSpan.FromTicks(Interlocked.Read(ref Ticks[(int)s])), Interlocked.Read(ref Counts[(int)s])))];

    /// <summary>What each stage added since <paramref name="earlier"/> (a snapshot): one scenario's share when scenarios run one after another.</summary>
    public static IReadOnlyList<(Stage Stage, TimeSpan Total, long Count)> Since(IReadOnlyList<(Stage Stage, TimeSpan Total, long Count)> earlier)
        => [.. Snapshot().Zip(earlier, (now, then) => (now.Stage, now.Total - then.Total, now.Count - then.Count))];

    /// <summary>The name a report gives a stage: "spawn_to_ready".</summary>
    public static string Name(Stage stage) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(stage.ToString());

    public readonly struct Timing(Stage stage, long started) : IDisposable
    {
        public void Dispose() => Add(stage, Stopwatch.GetElapsedTime(started));
    }
}
