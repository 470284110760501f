using CrashLab.Storage;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>The smallest data directory a kill can leave for the state planners, written through the shim with its journal.</summary>
internal static class KilledDirectory
{
    /// <summary>
    /// One file "log" of 700 durable bytes (created, synced, its directory synced) and then, when
    /// <paramref name="unsyncedBytes"/> is above 0, one write of that many bytes after them, not synced.
    /// </summary>
    public static CrashStateBuilder OneDurableFile(DirectoryInfo root, int unsyncedBytes = 0)
    {
        var (data, trace) = (root.CreateSubdirectory("data").FullName, root.CreateSubdirectory("trace").FullName);
        using (var journal = new UndoJournal(data, trace))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal);
            using var file = fs.Open(Path.Combine(data, "log"), OpenMode.CreateNew);
            file.Write(0, new byte[700]);
            file.Sync();
            fs.SyncDirectory(data);
            if (unsyncedBytes > 0)
                file.Write(700, new byte[unsyncedBytes]);
        }

        return CrashStateBuilder.Load(data, trace);
    }
}
