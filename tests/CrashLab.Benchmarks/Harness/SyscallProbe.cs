using System.Diagnostics;
using System.Globalization;
using CrashLab.Storage;
using CrashLab.Storage.Physical;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// The requests a WAL makes of its file system, timed in CRASHLAB_DATA_DIR (a plain directory, or
/// a FUSE mount when run under crashlab-fuse): a 4 KiB append, a 4 KiB append + fdatasync, and
/// create + fsync + directory fsync. Prints one line: microseconds per request of each.
/// </summary>
internal static class SyscallProbe
{
    public const string Flag = "--syscall-probe";

    public static int Run(TimeSpan duration)
    {
        var dir = Environment.GetEnvironmentVariable("CRASHLAB_DATA_DIR") ?? throw new InvalidOperationException("CRASHLAB_DATA_DIR is not set");
        var fs = PhysicalFileSystem.Instance;
        var block = new byte[4096];
        Random.Shared.NextBytes(block);
        var write = Appends(fs, dir, "write", block, sync: false, duration);
        var writeSync = Appends(fs, dir, "write-sync", block, sync: true, duration);
        var created = 0;
        var create = MicrosPerOp(duration, () =>
        {
            using (var file = fs.Open(Path.Combine(dir, $"created-{created++}"), OpenMode.CreateNew))
                file.Sync();
            fs.SyncDirectory(dir);
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{write:F2} {writeSync:F2} {create:F2}"));
        return 0;
    }

    /// <summary>4 KiB pwrites appending to a log file, a fresh file every 4 MiB (as a segmented log grows).</summary>
    private static double Appends(PhysicalFileSystem fs, string dir, string name, byte[] block, bool sync, TimeSpan duration)
    {
        const long FileBytes = 4 << 20;
        long offset = 0;
        var files = 0;
        IStorageFile? file = null;
        var micros = MicrosPerOp(duration, () =>
        {
            if (file == null || offset == FileBytes)
            {
                file?.Dispose();
                file = fs.Open(Path.Combine(dir, $"{name}-{files++}"), OpenMode.CreateNew);
                offset = 0;
            }

            file.Write(offset, block);
            offset += block.Length;
            if (sync)
                file.DataSync();
        });
        file?.Dispose();
        return micros;
    }

    private static double MicrosPerOp(TimeSpan duration, Action op)
    {
        long ops = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            op();
            ops++;
        }

        return clock.Elapsed.TotalMicroseconds / ops;
    }
}
