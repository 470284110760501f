using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Physical;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>
/// Chooses the file system under a data directory: the physical one, or — when the harness sets
/// CRASHLAB_FAULT_PLAN and/or CRASHLAB_TRACE_DIR (white-box runs) — the faulty shim over it,
/// with the undo journal in the trace directory. The engine host and the FUSE daemon both ask here.
/// </summary>
public static class ShimEnvironment
{
    public const string FaultPlanVariable = "CRASHLAB_FAULT_PLAN";
    public const string TraceDirVariable = "CRASHLAB_TRACE_DIR";

    /// <summary>One line per injected fault, in the trace directory: the harness reads it to know which runs had media faults.</summary>
    public const string InjectedLog = "injected.log";

    /// <summary>One line per read EIO, in the trace directory, naming what it struck (<see cref="ReadTarget.ToLogLine"/>): a case replays these.</summary>
    public const string StruckReadsLog = "struck-reads.log";

    /// <summary>The reads struck by a start whose trace directory this is (none if it struck none).</summary>
    public static List<ReadTarget> StruckReads(string traceDir)
    {
        var log = Path.Combine(traceDir, StruckReadsLog);
        return File.Exists(log) ? [.. File.ReadLines(log).Where(line => line.Length > 0).Select(ReadTarget.ParseLogLine)] : [];
    }

    /// <param name="crash">What a crash point does; the default kills this process.</param>
    /// <param name="writesAfterCrash">The crash action kills another process: writes after it are kept for keep-all states (FUSE).</param>
    /// <param name="underShim">What the shim does its I/O on (default: the physical file system); a plain run always uses the physical one.</param>
    public static IFileSystem Create(string dataDirectory, Func<string, string?> environment, out string? problem, Action? crash = null, bool writesAfterCrash = false,
        IFileSystem? underShim = null)
    {
        problem = null;
        var planPath = environment(FaultPlanVariable);
        var traceDir = environment(TraceDirVariable);
        if (string.IsNullOrEmpty(planPath) && string.IsNullOrEmpty(traceDir))
            return PhysicalFileSystem.Instance;

        FaultPlan plan;
        try
        {
            plan = string.IsNullOrEmpty(planPath) ? FaultPlan.None : FaultPlan.Load(planPath);
        }
        catch (FormatException e)
        {
            problem = $"CRASHLAB_FAULT_PLAN={planPath}: {e.Message}";
            return PhysicalFileSystem.Instance;
        }

        UndoJournal? journal = null;
        if (!string.IsNullOrEmpty(traceDir))
        {
            try
            {
                Directory.CreateDirectory(dataDirectory);
                journal = new UndoJournal(dataDirectory, traceDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageException)
            {
                problem = $"CRASHLAB_TRACE_DIR={traceDir}: cannot start the undo journal: {e.Message}";
                return PhysicalFileSystem.Instance;
            }
        }

        Action<string>? injected = string.IsNullOrEmpty(traceDir)
            ? null
            : line => File.AppendAllText(Path.Combine(traceDir, InjectedLog), line + "\n");
        Action<ReadTarget>? struckRead = string.IsNullOrEmpty(traceDir)
            ? null
            : read => File.AppendAllText(Path.Combine(traceDir, StruckReadsLog), read.ToLogLine() + "\n");
        var pacing = environment(OperationPacing.Variable) is { Length: > 0 } pacingFile ? OperationPacing.Open(pacingFile) : null;
        return new FaultyFileSystem(underShim ?? PhysicalFileSystem.Instance, plan, dataDirectory, journal, crash, injected, pacing, writesAfterCrash, struckRead);
    }
}
