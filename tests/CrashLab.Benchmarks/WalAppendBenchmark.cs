using CrashLab.Storage;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;
using CrashLab.Wal;

namespace CrashLab.Benchmarks;

/// <summary>Durable appends per second: every writer waits for durability before its next append.</summary>
internal static class WalAppendBenchmark
{
    /// <param name="throughShim">Run on the faulty shim with no faults armed and the undo journal on.</param>
    public static async Task<double> MeasureAsync(string directory, int writers, int recordBytes, bool throughShim = false)
    {
        var dir = Path.Combine(directory, $"wal-{writers}-{recordBytes}-{(throughShim ? "shim" : "physical")}");
        var trace = dir + "-trace";
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(trace);
        using var journal = throughShim ? new UndoJournal(dir, trace) : null;
        IFileSystem fs = throughShim ? new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, dir, journal) : PhysicalFileSystem.Instance;
        var options = new WalOptions { ZeroFillOnDemand = true };
        using var log = WriteAheadLog.Open(fs, dir, options);
        var record = new ReadOnlyMemory<byte>[] { new byte[recordBytes] };
        double rate;
        if (writers == 1)
            rate = Rate.MeasureInline(() => log.AppendAsync(record, sync: true).AsTask().GetAwaiter().GetResult());
        else
            rate = await Rate.MeasureAsync(writers, async _ => await log.AppendAsync(record, sync: true).ConfigureAwait(false)).ConfigureAwait(false);
        log.Dispose();
        Directory.Delete(dir, recursive: true);
        Directory.Delete(trace, recursive: true);
        return rate;
    }
}
