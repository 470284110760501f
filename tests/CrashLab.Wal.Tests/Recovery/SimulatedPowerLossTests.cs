using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Wal.Tests.Recovery;

/// <summary>
/// The reference WAL against the power-loss model, in memory: random workloads, a crash at a
/// random operation (sometimes half-way through a write), a crash state in every mode and both
/// sector sizes, recovery, and a check that what came back is a prefix of what was appended
/// that holds every batch acknowledged durable, with no false corruption report.
/// </summary>
public sealed class SimulatedPowerLossTests
{
    private static readonly WalOptions Options = new() { SegmentBytes = 16 << 10, PrepareSegmentsInBackground = false };

    [Fact]
    public async Task Recovery_AfterSimulatedPowerLoss_IsPrefixConsistent()
    {
        var checkedStates = 0;
        for (var seed = 1UL; seed <= 150; seed++)
        {
            var random = new SplitMix(seed);
            var disk = new SimulatedDisk("/sim");
            disk.CreateDirectory("/sim/log");
            var history = new List<byte[][]>();
            long durable = 0;
            var crashAt = 5 + random.Below(120);
            var plan = new FaultPlan { Crash = new CrashPoint { AtOp = crashAt, PerformBytes = random.Coin() ? random.Below(3000) : null } };
            var fs = new FaultyFileSystem(disk, plan, "/sim/log", crash: () => throw new OperationCanceledException("crash point"));
            try
            {
                var log = WriteAheadLog.Open(fs, "/sim/log", Options);
                for (var i = 0; i < 60; i++)
                {
                    var batch = Enumerable.Range(0, 1 + random.Below(4)).Select(_ => Bytes(random, random.Below(5) == 0 ? 9000 : random.Below(700))).ToArray();
                    history.Add(batch); // issued: it may be recovered even if the crash comes before the reply
                    var result = await log.AppendAsync([.. batch.Select(r => (ReadOnlyMemory<byte>)r)], sync: random.Below(3) == 0);
                    durable = Math.Max(durable, result.DurableLsn ?? 0);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (WalException)
            {
                // The crash point fired inside the log's own I/O: the log is abandoned as a killed process would be.
            }

            foreach (var mode in CrashModes.PowerLoss)
            {
                foreach (var sector in new[] { 512, 4096 })
                {
                    var state = disk.Crash(mode, seed * 31 + (ulong)sector, sector);
                    using var recovered = WriteAheadLog.Open(state, "/sim/log", Options);
                    Check(recovered, history, durable, $"seed {seed}, crash at op {crashAt}, {mode.Name()}, sector {sector}");
                    checkedStates++;
                }
            }
        }

        Assert.Equal(150 * 6, checkedStates);
    }

    private static void Check(WriteAheadLog log, List<byte[][]> history, long durable, string context)
    {
        Assert.True(log.Corruption == null, $"{context}: false corruption report: {log.Corruption}");
        var issued = history.SelectMany(b => b).ToList();
        var records = LogHarness.ReadAll(log);
        Assert.True(records.Count >= durable, $"{context}: {records.Count} records recovered, but LSN {durable} was acknowledged durable");
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(i + 1, records[i].Lsn);
            Assert.True(i < issued.Count && records[i].Data.AsSpan().SequenceEqual(issued[i]), $"{context}: LSN {i + 1} differs from what was appended");
        }

        var boundaries = new HashSet<int> { 0 };
        var end = 0;
        foreach (var batch in history)
            boundaries.Add(end += batch.Length);
        Assert.True(boundaries.Contains(records.Count), $"{context}: recovery cut a batch in two at LSN {records.Count}");
    }

    private static byte[] Bytes(SplitMix random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = (byte)random.Next();
        return bytes;
    }
}
