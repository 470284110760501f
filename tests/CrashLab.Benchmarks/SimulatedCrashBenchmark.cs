using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Simulation;
using CrashLab.Wal;

namespace CrashLab.Benchmarks;

/// <summary>
/// Crash states checked per second on the simulated disk: build a power-loss state of a log of
/// up to 100 records, recover it with the reference engine, read it all back and compare.
/// </summary>
internal static class SimulatedCrashBenchmark
{
    private static readonly WalOptions Options = new() { SegmentBytes = 16 << 10, PrepareSegmentsInBackground = false };

    public static double Measure(int records)
    {
        var disk = new SimulatedDisk("/sim");
        disk.CreateDirectory("/sim/log");
        var appended = new List<byte[]>();
        var log = WriteAheadLog.Open(disk, "/sim/log", Options);
        var random = new Random(1);
        while (appended.Count < records)
        {
            var record = new byte[random.Next(0, 600)];
            random.NextBytes(record);
            appended.Add(record);
            log.AppendAsync([record], sync: appended.Count % 10 == 0).AsTask().GetAwaiter().GetResult();
        }

        log.WriteBuffered();
        var modes = CrashModes.PowerLoss;
        ulong seed = 0;
        return Rate.MeasureInline(() =>
        {
            var state = disk.Crash(modes[(int)(seed % 3)], seed++);
            using var recovered = WriteAheadLog.Open(state, "/sim/log", Options);
            var status = recovered.Status;
            for (var next = status.FirstLsn; next < status.NextLsn;)
            {
                var read = recovered.Read(next, 1000, 8 << 20);
                foreach (var r in read.Records)
                {
                    if (!r.Data.AsSpan().SequenceEqual(appended[(int)r.Lsn - 1]))
                        throw new InvalidOperationException($"LSN {r.Lsn} differs after a simulated crash");
                }

                next = read.NextLsn;
            }
        });
    }
}
