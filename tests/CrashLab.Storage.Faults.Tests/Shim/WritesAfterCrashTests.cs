using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Storage.Faults.Tests.Shim;

/// <summary>
/// A shim whose crash action returns (the FUSE daemon killing its backend) keeps taking writes
/// after the kill: the kernel writing back the dead process's pages. Process-crash states keep
/// them; power-loss states are cut at the kill and never see them.
/// </summary>
public sealed class WritesAfterCrashTests : IDisposable
{
    private ShimHarness? _shim;

    public void Dispose() => _shim?.Dispose();

    private string Data => _shim!.Dir.Data;

    private FaultyFileSystem Shim(FaultPlan plan)
    {
        _shim = new ShimHarness(plan, crash: () => { }, writesAfterCrash: true);
        return _shim.Fs;
    }

    [Fact]
    public void Fence_ThenWrites_AreTakenAndEveryOtherOperationFailsWithEio()
    {
        var fs = Shim(FaultPlan.None);
        using var file = fs.Open(Path.Combine(Data, "a"), OpenMode.CreateNew);

        fs.Fence();
        file.Write(0, "after"u8);

        Assert.Equal("after"u8.ToArray(), File.ReadAllBytes(Path.Combine(Data, "a")));
        Assert.Equal(Errno.EIO, Assert.Throws<StorageException>(file.DataSync).ErrorNumber);
        Assert.Equal(Errno.EIO, Assert.Throws<StorageException>(() => file.SetLength(1)).ErrorNumber);
        Assert.Equal(Errno.EIO, Assert.Throws<StorageException>(() => fs.Rename(Path.Combine(Data, "a"), Path.Combine(Data, "b"))).ErrorNumber);
        Assert.Equal(Errno.EIO, Assert.Throws<StorageException>(() => fs.SyncDirectory(Data)).ErrorNumber);
    }

    [Fact]
    public void CrashPointBeforeAnOperation_CrashActionReturns_TheOperationNeverHappens()
    {
        var fs = Shim(new FaultPlan { Crash = new CrashPoint { AtOp = 2, Perform = false } });
        using var file = fs.Open(Path.Combine(Data, "a"), OpenMode.CreateNew);

        Assert.Throws<StorageException>(file.Sync);

        Assert.Equal(new CrashPoint { AtOp = 1, Perform = true }, Builder().ReplayPoint); // just after op 1: the same instant
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void CrashStates_WritesAfterTheKill_OnlyKeepAllHoldsThem(ulong seed)
    {
        var fs = Shim(new FaultPlan { Crash = new CrashPoint { AtOp = 5 } });
        using (var file = fs.Open(Path.Combine(Data, "a"), OpenMode.CreateNew))
        {
            file.Write(0, Fill('A', 4096));
            file.Sync();
            fs.SyncDirectory(Data);
            file.Write(4096, Fill('B', 4096)); // op 5, then the kill: pending at the cut
            file.Write(8192, Fill('C', 4096)); // after the kill
            file.Write(0, Fill('D', 4096)); // after the kill, over durable bytes
            Assert.Throws<StorageException>(file.Sync); // nothing becomes durable after the kill
        }

        var builder = Builder();

        Assert.Equal(new CrashPoint { AtOp = 5, Perform = true }, builder.ReplayPoint);
        Assert.Equal([6L, 7L], builder.AfterKillOperations);
        Assert.Equal([.. Fill('D', 4096), .. Fill('B', 4096), .. Fill('C', 4096)], Content(builder.Compose(CrashMode.KeepAll, seed)));
        foreach (var mode in CrashModes.PowerLoss)
        {
            var state = Content(builder.Compose(mode, seed));
            Assert.Equal(Fill('A', 4096), state[..4096]);
            Assert.True(state.Length <= 8192, $"{mode.Name()} kept a write that came after the kill");
            Assert.Equal([Lost, Lost], AfterTheKill(builder.Explain(mode, seed)));
        }

        Assert.Equal([("kept", "arrived after the kill"), ("kept", "arrived after the kill")], AfterTheKill(builder.Explain(CrashMode.KeepAll, seed)));
    }

    /// <summary>
    /// The crash point lands on a write-back itself (before it, or after its first sector): a
    /// power cut loses what had not reached the disk, but a process crash does not stop the page
    /// cache, so the rest of that write comes after the kill and keep-all holds all of it.
    /// </summary>
    [Theory]
    [InlineData(false, null, 0)]
    [InlineData(true, 512, 512)]
    public void CrashPointOnAWrite_KeepAllHoldsTheWholeWritePowerLossOnlyWhatPrecededTheKill(bool perform, int? performBytes, int beforeTheKill)
    {
        var fs = Shim(new FaultPlan { Crash = new CrashPoint { AtOp = 5, Perform = perform, PerformBytes = performBytes } });
        using (var file = fs.Open(Path.Combine(Data, "a"), OpenMode.CreateNew))
        {
            file.SetLength(4096);
            file.Sync();
            fs.SyncDirectory(Data);
            file.Write(0, Fill('P', 4096)); // op 5: the crash point
        }

        var builder = Builder();

        Assert.Equal(Fill('P', 4096), Content(builder.Compose(CrashMode.KeepAll, 1)));
        Assert.NotEmpty(builder.AfterKillOperations);
        Assert.Equal(new byte[4096], Content(builder.Compose(CrashMode.DropAll, 1)));
        foreach (var mode in CrashModes.PowerLoss)
        {
            for (var seed = 1UL; seed <= 4; seed++)
                Assert.Equal(new byte[4096 - beforeTheKill], Content(builder.Compose(mode, seed))[beforeTheKill..]);
        }
    }

    private static readonly (string, string?) Lost = ("lost", "arrived after the kill: a power cut at the kill never saw it");

    private static List<(string, string?)> AfterTheKill(List<OpFate> fates) => [.. fates.Where(f => f.Op > 5).Select(f => (f.Fate, f.Detail))];

    private CrashStateBuilder Builder() => _shim!.Builder();

    private static byte[] Content(FsImage state) => state.Files().Single().Content;

    private static byte[] Fill(char c, int count) => Enumerable.Repeat((byte)c, count).ToArray();
}
