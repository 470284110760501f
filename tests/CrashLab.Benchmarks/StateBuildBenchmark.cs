using System.Diagnostics;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Benchmarks;

/// <summary>
/// What building one crash state directory costs after a kill, for a small log and for a
/// multi-MB directory shaped like SQLite's (a database file and its WAL): every file written
/// whole from the in-memory image (how states were built before) against
/// <see cref="CrashStateFiles"/> (unchanged files cloned from the data directory, changed ones
/// cloned and patched). A state's directory is removed between states, outside the clock.
/// </summary>
internal static class StateBuildBenchmark
{
    public sealed record Shape(string Name, (string File, int Bytes)[] Files);

    public static readonly Shape SmallLog = new("small_log", [("wal.log", 64 << 10)]);

    public static readonly Shape SqliteSized = new("sqlite_sized", [("test.db", 16 << 20), ("test.db-wal", 4 << 20), ("test.db-shm", 32 << 10)]);

    /// <summary>Milliseconds per state written whole, per state through <see cref="CrashStateFiles"/>, per state to compose the image alone (part of both), <see cref="CrashStateFiles"/>, per kill to load the journal; and how the last state's files were made.</summary>
    public static (double WholeMs, double SharedMs, double ComposeMs, double FromMemoryMs, double LoadMs, string How) Measure(string workDir, Shape shape, int states = 16)
    {
        var root = Directory.CreateDirectory(Path.Combine(workDir, "state-build-" + shape.Name)).FullName;
        try
        {
            var (data, trace) = MakeKill(root, shape);
            var clock = Stopwatch.StartNew();
            var builder = CrashStateBuilder.Load(data, trace);
            var loadMs = clock.Elapsed.TotalMilliseconds;
            var window = builder.Window();
            var assignments = CrashEnumerator.Enumerate(KnownProfiles.Posix, window, new EnumerationLimits { MaxStates = states }).States.Select(s => s.Assignment).ToList();
            CrashStateFiles.Written? how = null;
            var (compose, whole, shared, fromMemory) = (new Timing(), new Timing(), new Timing(), new Timing());
            // Rounds alternate the ways until each has run a while: the load drifts on a shared machine.
            for (var round = 0; round < 3 || whole.Total < MinimumTime || shared.Total < MinimumTime; round++)
            {
                PerState(root, assignments.Count, compose, (i, dir) =>
                {
                    window.Apply(assignments[i]);
                    Directory.CreateDirectory(dir);
                });
                // Each goes first every other round: a round pays for the deletions of the one before it (XFS frees inodes in the background).
                Action[] ways =
                [
                    () => PerState(root, assignments.Count, whole, (i, dir) => WriteWhole(window.Apply(assignments[i]), dir)),
                    () => PerState(root, assignments.Count, shared, (i, dir) => how = builder.WriteTo(window.Apply(assignments[i]), dir)),
                ];
                ways[round % 2]();
                ways[1 - (round % 2)]();
                var threshold = builder.Files.WholeUpTo;
                builder.Files.WholeUpTo = int.MaxValue;
                PerState(root, assignments.Count, fromMemory, (i, dir) => builder.WriteTo(window.Apply(assignments[i]), dir));
                builder.Files.WholeUpTo = threshold;
            }

            return (whole.Milliseconds, shared.Milliseconds, compose.Milliseconds, fromMemory.Milliseconds, loadMs, how?.ToString() ?? "");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static readonly TimeSpan MinimumTime = TimeSpan.FromSeconds(1);

    private sealed class Timing
    {
        public TimeSpan Total { get; set; }

        public int States { get; set; }

        public double Milliseconds => Total.TotalMilliseconds / States;
    }

    private static void PerState(string root, int count, Timing timing, Action<int, string> build)
    {
        for (var i = 0; i < count; i++)
        {
            var dir = Path.Combine(root, $"state-{i}");
            var clock = Stopwatch.StartNew();
            build(i, dir);
            timing.Total += clock.Elapsed;
            timing.States++;
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The way every state was written before: each file's bytes copied out of the image and written whole.</summary>
    private static void WriteWhole(Storage.Faults.Model.FsImage state, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (path, content) in state.Files())
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }
    }

    /// <summary>
    /// A kill's data directory and journal: the files written and synced before the journal
    /// starts (durable), then a window of unsynced 4 KiB appends to the last-but-one file and an
    /// unsynced page write into the first, as a database commit in flight leaves them.
    /// </summary>
    private static (string Data, string Trace) MakeKill(string root, Shape shape)
    {
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        var trace = Directory.CreateDirectory(Path.Combine(root, "trace")).FullName;
        var random = new Random(1);
        foreach (var (file, bytes) in shape.Files)
        {
            var content = new byte[bytes];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(data, file), content);
        }

        using var journal = new UndoJournal(data, trace);
        var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal);
        var page = new byte[4096];
        var appendTo = shape.Files[Math.Max(0, shape.Files.Length - 2)];
        using (var log = fs.Open(Path.Combine(data, appendTo.File), Storage.OpenMode.OpenOrCreate))
        {
            for (var i = 0; i < 3; i++)
            {
                random.NextBytes(page);
                log.Write(appendTo.Bytes + (i * page.Length), page);
            }
        }

        using (var first = fs.Open(Path.Combine(data, shape.Files[0].File), Storage.OpenMode.OpenOrCreate))
        {
            random.NextBytes(page);
            first.Write(page.Length * 2, page);
        }

        return (data, trace);
    }
}
