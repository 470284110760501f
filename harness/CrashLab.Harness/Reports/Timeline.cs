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

    /// <summary><see cref="CrashPoint"/>, <see cref="ArmedKill"/> or <see cref="TimedKill"/>: what ended the run.</summary>
    public string KilledBy { get; init; } = "";

    /// <summary>The shim stopped the backend at the plan's operation.</summary>
    public const string CrashPoint = "crash point";

    /// <summary>The harness's timed kill, armed at its drawn moment and fired by the shim just before the backend's next flush with operations unsynced (it replays as a crash point).</summary>
    public const string ArmedKill = "armed kill";

    /// <summary>The harness's own SIGKILL (or, through FUSE, its fence).</summary>
    public const string TimedKill = "timed kill";

    /// <summary>The latest operations, oldest first, each with its fate in the failing crash state.</summary>
    public List<TimelineOp> Ops { get; init; } = [];

    /// <summary>
    /// The fate of an operation that reached the shim after the kill (through FUSE: the rest of a
    /// write the kernel split into several requests, or a dead process's pages written back): the
    /// power cut came first, so no crash state holds it. Not "durable", which it never was.
    /// </summary>
    public const string AfterKill = "after-kill";

    private const string AfterKillDetail = "reached the file system after the kill: a power cut at the kill never saw it";

    /// <param name="injected">The shim's injected-fault log ("op kind path" lines): an operation it refused or cut short is on the timeline too, marked with its fault.</param>
    public static Timeline From(IReadOnlyList<JournalEvent> events, IReadOnlyList<OpFate> fates, double killMs, long killAtOp, string killedBy, IReadOnlyList<string>? injected = null)
    {
        var fateOf = fates.ToDictionary(f => f.Op);
        var faults = (injected ?? []).Select(line => line.Split(' ', 3)).Where(p => p.Length == 3 && long.TryParse(p[0], out _))
            .GroupBy(p => long.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => (Kind: g.First()[1], File: g.First()[2]));
        var ops = events.Select(e => fateOf.TryGetValue(e.Op, out var fate)
            ? new TimelineOp(e.Op, e.Kind, e.File, e.Offset, e.Length, fate.Fate, fate.Detail, FaultAt(faults, e.Op))
            : e.Op > killAtOp
                ? new TimelineOp(e.Op, e.Kind, e.File, e.Offset, e.Length, AfterKill, AfterKillDetail, FaultAt(faults, e.Op))
                : new TimelineOp(e.Op, e.Kind, e.File, e.Offset, e.Length, e.Kind.Contains("sync", StringComparison.Ordinal) ? "done" : "durable", null, FaultAt(faults, e.Op))).ToList();
        // A refused operation changed nothing, so the journal has no record of it: it joins the timeline here.
        var first = events.Count > 0 ? events[0].Op : 0;
        var seen = ops.Select(o => o.Op).ToHashSet();
        ops.AddRange(faults.Where(f => f.Key >= first && !seen.Contains(f.Key))
            .Select(f => new TimelineOp(f.Key, RefusedKind(f.Value.Kind), f.Value.File, 0, 0, "refused", null, f.Value.Kind)));
        return new Timeline
        {
            KillMs = Math.Round(killMs, 2),
            KillAtOp = killAtOp,
            KilledBy = killedBy,
            Ops = [.. ops.OrderBy(o => o.Op)],
        };
    }

    private static string? FaultAt(Dictionary<long, (string Kind, string File)> faults, long op) => faults.TryGetValue(op, out var fault) ? fault.Kind : null;

    private static string RefusedKind(string fault) => fault switch
    {
        "fsync_eio" => "fsync",
        "read_eio" => "read",
        _ => "write",
    };
}

/// <summary>
/// One file-system operation: number, kind, file, offset and length; its fate in the crash state:
/// durable (made durable before the kill), kept, lost, torn (<see cref="Detail"/> says which
/// bytes), done (a sync: it has no fate of its own), after-kill (it came after the kill, and no
/// crash state holds it) or refused (the shim failed it and it changed
/// nothing); <see cref="Fault"/> names the fault the shim injected into it (enospc, write_eio,
/// fsync_eio, read_eio, bit_flip, misdirect), if any: a write cut short by one keeps its fate and
/// its <see cref="Length"/> is what was written.
/// </summary>
public sealed record TimelineOp(long Op, string Kind, string File, long Offset, long Length, string Fate, string? Detail, string? Fault = null);
