using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Reports;

/// <summary>
/// What a report draws of a failing white-box run beside its requests: when the run ended and
/// how (a crash point at an operation, or the harness's timed kill), and the latest file-system
/// operations with what the failing crash state made of each.
/// </summary>
public sealed record Timeline
{
    /// <summary>Milliseconds from the first request to the kill (the load's end).</summary>
    public double KillMs { get; init; }

    /// <summary>The last file-system operation before the kill (the replay's crash point).</summary>
    public long KillAtOp { get; init; }

    /// <summary>"crash point" (the shim stopped the backend at an operation) or "timed kill" (the harness's SIGKILL).</summary>
    public string KilledBy { get; init; } = "";

    /// <summary>The latest operations, oldest first, each with its fate in the failing crash state.</summary>
    public List<TimelineOp> Ops { get; init; } = [];

    public static Timeline From(IReadOnlyList<JournalEvent> events, IReadOnlyList<OpFate> fates, double killMs, long killAtOp, bool crashPoint)
    {
        var fateOf = fates.ToDictionary(f => f.Op);
        return new Timeline
        {
            KillMs = Math.Round(killMs, 2),
            KillAtOp = killAtOp,
            KilledBy = crashPoint ? "crash point" : "timed kill",
            Ops = [.. events.Select(e => fateOf.TryGetValue(e.Op, out var fate)
                ? new TimelineOp(e.Op, e.Kind, e.File, e.Offset, e.Length, fate.Fate, fate.Detail)
                : new TimelineOp(e.Op, e.Kind, e.File, e.Offset, e.Length, e.Kind.Contains("sync", StringComparison.Ordinal) ? "done" : "durable", null))],
        };
    }
}

/// <summary>
/// One file-system operation: number, kind, file, offset and length; its fate in the crash state:
/// durable (made durable before the kill), kept, lost, torn (<see cref="Detail"/> says which
/// sectors), or done (a sync: it has no fate of its own).
/// </summary>
public sealed record TimelineOp(long Op, string Kind, string File, long Offset, long Length, string Fate, string? Detail);
