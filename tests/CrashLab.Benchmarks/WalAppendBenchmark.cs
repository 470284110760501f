using CrashLab.Storage.Physical;
using CrashLab.Wal;

namespace CrashLab.Benchmarks;

/// <summary>Durable appends per second: every writer waits for durability before its next append.</summary>
internal static class WalAppendBenchmark
{
    public static async Task<double> MeasureAsync(string directory, int writers, int recordBytes)
    {
        var dir = Path.Combine(directory, $"wal-{writers}-{recordBytes}");
        var options = new WalOptions { ZeroFillOnDemand = true };
        using var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, dir, options);
        var record = new ReadOnlyMemory<byte>[] { new byte[recordBytes] };
        double rate;
        if (writers == 1)
            rate = Rate.MeasureInline(() => log.AppendAsync(record, sync: true).AsTask().GetAwaiter().GetResult());
        else
            rate = await Rate.MeasureAsync(writers, async _ => await log.AppendAsync(record, sync: true).ConfigureAwait(false)).ConfigureAwait(false);
        log.Dispose();
        Directory.Delete(dir, recursive: true);
        return rate;
    }
}
