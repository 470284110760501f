using CrashLab.Storage;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// Chooses the file system under the engine: the physical one, or — when the harness sets
/// CRASHLAB_FAULT_PLAN and/or CRASHLAB_TRACE_DIR (white-box runs) — the faulty shim over it,
/// with the undo journal in the trace directory.
/// </summary>
internal static class StorageSetup
{
    /// <summary>One line per injected fault, in the trace directory: the harness reads it to know which runs had media faults.</summary>
    public const string InjectedLog = "injected.log";

    public static IFileSystem Create(EngineSettings settings, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        var planPath = environment("CRASHLAB_FAULT_PLAN");
        var traceDir = environment("CRASHLAB_TRACE_DIR");
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
                Directory.CreateDirectory(settings.DataDirectory);
                journal = new UndoJournal(settings.DataDirectory, traceDir);
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
        return new FaultyFileSystem(PhysicalFileSystem.Instance, plan, settings.DataDirectory, journal, injected: injected);
    }
}
