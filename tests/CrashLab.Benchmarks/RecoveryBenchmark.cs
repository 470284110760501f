using System.Diagnostics;
using CrashLab.Storage.Physical;
using CrashLab.Wal;

namespace CrashLab.Benchmarks;

/// <summary>Recovery scan speed from the page cache: open a large log (verifying every frame) after a warm-up open.</summary>
internal static class RecoveryBenchmark
{
    public sealed record Result(double RecordsPerSec, double PayloadBytesPerSec, long Records);

    public static Result Measure(string directory, int recordBytes, long totalBytes)
    {
        var dir = Path.Combine(directory, $"recovery-{recordBytes}");
        var options = new WalOptions { SegmentBytes = 256L << 20 };
        using (var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, dir, options))
        {
            var batch = Enumerable.Range(0, Math.Max(1, (1 << 20) / recordBytes)).Select(_ => (ReadOnlyMemory<byte>)new byte[recordBytes]).ToArray();
            for (long written = 0; written < totalBytes; written += batch.Length * (long)recordBytes)
                log.Append(batch);
            log.SyncAsync().AsTask().GetAwaiter().GetResult();
        }

        WriteAheadLog.Open(PhysicalFileSystem.Instance, dir, options).Dispose(); // warm the page cache
        var best = TimeSpan.MaxValue;
        long records = 0;
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            using var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, dir, options);
            var elapsed = clock.Elapsed;
            records = log.RecoveredRecords;
            best = elapsed < best ? elapsed : best;
        }

        Directory.Delete(dir, recursive: true);
        return new Result(records / best.TotalSeconds, records * (double)recordBytes / best.TotalSeconds, records);
    }
}
