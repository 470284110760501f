using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Storage.Faults.Tests.Shim;

/// <summary>
/// A campaign's timed kill, armed through the pacing file: the shim kills the backend just before
/// its next flush that finds operations unsynced, so the kill leaves them pending (a kill at a
/// random instant mostly came after a flush and left nothing to choose among).
/// </summary>
public sealed class ArmedKillTests
{
    private static readonly byte[] Page = Enumerable.Range(0, 4096).Select(i => (byte)(i * 3 + 1)).ToArray();

    [Fact]
    public void ArmKill_WritesThenAFlush_KillsJustBeforeTheFlushWithEveryWritePending()
    {
        using var temp = new TempDirectory();
        using var pacing = OperationPacing.Create(temp.Sub("pacing"));
        using var shim = new ShimHarness(FaultPlan.None, pacing: pacing);
        using var file = shim.Fs.Open(shim.PathOf("log"), OpenMode.CreateNew); // 1
        shim.Fs.SyncDirectory(shim.Dir.Data); // 2
        file.DataSync(); // 3
        pacing.ArmKill();
        file.Write(0, Page); // 4
        file.Write(4096, Page); // 5

        Assert.Throws<ShimHarness.CrashedException>(file.DataSync); // 6: killed before it

        Assert.True(pacing.KilledByArmedKill);
        var builder = shim.Builder();
        Assert.Equal([4L, 5L], builder.Window().Pending.Select(op => op.Sequence));
        // A case replays it as a crash point right after the last write (the same state).
        Assert.Equal((5L, true), (builder.ReplayPoint.AtOp, builder.ReplayPoint.Perform));
    }

    [Fact]
    public void ArmKill_AFlushWithNothingUnsynced_IsNotWhereItKills()
    {
        using var temp = new TempDirectory();
        using var pacing = OperationPacing.Create(temp.Sub("pacing"));
        using var shim = new ShimHarness(FaultPlan.None, pacing: pacing);
        using var file = shim.Fs.Open(shim.PathOf("log"), OpenMode.CreateNew);
        shim.Fs.SyncDirectory(shim.Dir.Data);
        pacing.ArmKill();

        file.DataSync(); // nothing written since the last flush: the backend goes on
        shim.Fs.SyncDirectory(shim.Dir.Data);
        file.Write(0, Page);

        Assert.Throws<ShimHarness.CrashedException>(() => shim.Fs.SyncDirectory(shim.Dir.Data));
    }

    /// <summary>The plan's crash point due at the same flush is what killed: the harness must not call it the armed kill.</summary>
    [Fact]
    public void ArmKill_CrashPointDueAtTheSameFlush_IsTheCrashPointThatKills()
    {
        using var temp = new TempDirectory();
        using var pacing = OperationPacing.Create(temp.Sub("pacing"));
        using var shim = new ShimHarness(FaultPlan.None with { Crash = new CrashPoint { AtOp = 3, Perform = false } }, pacing: pacing);
        using var file = shim.Fs.Open(shim.PathOf("log"), OpenMode.CreateNew); // 1
        file.Write(0, Page); // 2
        pacing.ArmKill();

        Assert.Throws<ShimHarness.CrashedException>(file.DataSync); // 3

        Assert.False(pacing.KilledByArmedKill);
    }

    [Fact]
    public void Flush_NotArmed_NeverKills()
    {
        using var temp = new TempDirectory();
        using var pacing = OperationPacing.Create(temp.Sub("pacing"));
        using var shim = new ShimHarness(FaultPlan.None, pacing: pacing);
        using var file = shim.Fs.Open(shim.PathOf("log"), OpenMode.CreateNew);
        file.Write(0, Page);

        file.DataSync();
        shim.Fs.SyncDirectory(shim.Dir.Data);

        Assert.Equal(Page, shim.Bytes("log"));
    }
}
