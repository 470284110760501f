using CrashLab.Harness.Reports;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>The timeline gives each operation the fate it has in the failing crash state.</summary>
public sealed class TimelineTests
{
    /// <summary>
    /// The FUSE benchmark's case (seed 1): the kernel split one 38,261-byte write into requests, the
    /// crash point fenced the shim at op 9, and the rest of the write (op 10) arrived after. The state
    /// does not hold op 10, and the timeline called it "durable".
    /// </summary>
    [Fact]
    public void From_OperationAfterTheCrashPoint_IsAfterTheKillNotDurable()
    {
        JournalEvent[] events =
        [
            new(6, "write", "log.bin", 2146304, 3578), new(7, "fsync", "log.bin", 0, 0), new(8, "write", "log.bin", 2149882, 518),
            new(9, "write", "log.bin", 2150400, 0), new(10, "write", "log.bin", 2150400, 37743),
        ];

        var timeline = Timeline.From(events, [new OpFate(8, "torn", "kept bytes 2149888–2150399"), new OpFate(9, "lost", null)], 38.66, killAtOp: 9, killedBy: Timeline.CrashPoint);

        Assert.Equal(["durable", "done", "torn", "lost", Timeline.AfterKill], timeline.Ops.Select(o => o.Fate));
        Assert.Contains("after the kill", timeline.Ops[^1].Detail, StringComparison.Ordinal);
    }
}
