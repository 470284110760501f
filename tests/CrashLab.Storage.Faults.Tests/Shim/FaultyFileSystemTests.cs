using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Tests.Shim;

public sealed class FaultyFileSystemTests
{
    private static readonly byte[] Page = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 + 1)).ToArray();

    [Fact]
    public void DataSync_InjectedEio_DoomsUnsyncedWritesEvenAfterALaterSuccessfulSync()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.FsyncEio, Ops = [4] }));
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew); // 1
        shim.Fs.SyncDirectory(shim.Dir.Data); // 2
        file.Write(0, Page); // 3

        var error = Assert.Throws<StorageException>(file.DataSync); // 4: EIO, reported once
        Assert.Equal(StorageErrorKind.Io, error.Kind);
        file.DataSync(); // 5: succeeds, but the page was already "cleaned" by the failed one
        file.Write(4096, Page); // 6
        file.DataSync(); // 7: this write is really durable

        Assert.Equal([.. Page, .. Page], shim.Bytes("f")); // the live file still shows both
        shim.CrashState(CrashMode.DropAll);
        var builder = global::CrashLab.Storage.Faults.CrashStates.CrashStateBuilder.Load(shim.Dir.Data, shim.Dir.Trace);
        foreach (var mode in CrashModes.PowerLoss)
        {
            for (var seed = 0UL; seed < 20; seed++)
            {
                var survived = builder.Compose(mode, seed).Files().Single().Content;
                Assert.Equal(new byte[4096], survived[..4096]);
                Assert.Equal(Page, survived[4096..]);
            }
        }
    }

    [Fact]
    public void Write_WriteEioAfterBytes_WritesThoseWholeSectorsThenFails()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.WriteEio, Ops = [2], AfterBytes = 1000 }));
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew);

        Assert.Equal(StorageErrorKind.Io, Assert.Throws<StorageException>(() => file.Write(0, Page)).Kind);

        // A write never stops inside a sector: 1000 bytes asked, the one whole sector before them written.
        Assert.Equal(Page[..512], shim.Bytes("f"));
    }

    [Fact]
    public void Read_ReadEio_FailsExactlyTheChosenRead()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.ReadEio, Ops = [2] }));
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew);
        file.Write(0, Page);
        var buffer = new byte[10];

        file.Read(0, buffer);
        Assert.Equal(StorageErrorKind.Io, Assert.Throws<StorageException>(() => file.Read(0, buffer)).Kind);
        Assert.Equal(10, file.Read(0, buffer));
    }

    [Fact]
    public void Write_BitFlip_ChangesExactlyTheGivenNumberOfBitsAndReportsSuccess()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.BitFlip, Ops = [2], Bits = 3 }));
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew);

        file.Write(0, Page);

        var written = shim.Bytes("f");
        var flipped = written.Zip(Page, (a, b) => System.Numerics.BitOperations.PopCount((uint)(a ^ b))).Sum();
        Assert.InRange(flipped, 1, 3); // two draws may hit the same bit
        Assert.NotEqual(Page, written);
    }

    [Fact]
    public void Write_Misdirect_LandsWholeSectorsAwayAndLeavesTheTargetUntouched()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.Misdirect, Ops = [3], MaxSectors = 4 }));
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew);
        file.Write(0, new byte[16384]);

        file.Write(8192, Page.AsSpan(0, 512));

        var bytes = shim.Bytes("f");
        Assert.Equal(new byte[512], bytes[8192..8704]);
        var landed = Enumerable.Range(0, bytes.Length / 512).Single(s => bytes.AsSpan(s * 512, 512).SequenceEqual(Page.AsSpan(0, 512)));
        Assert.InRange(Math.Abs(landed * 512 - 8192), 512, 4 * 512);
    }

    [Fact]
    public void Write_PastQuota_FailsWithNoSpaceUntilSpaceReturns()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.Enospc, QuotaBytes = 6000, UntilOp = 5 }));
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew); // 1
        file.Write(0, Page); // 2: 4096 of 6000

        Assert.Equal(StorageErrorKind.NoSpace, Assert.Throws<StorageException>(() => file.Write(4096, Page)).Kind); // 3
        Assert.Equal(5632, shim.Bytes("f").Length); // the whole sectors that fit under 6000 bytes
        Assert.Equal(StorageErrorKind.NoSpace, Assert.Throws<StorageException>(() => file.Preallocate(1 << 20)).Kind); // 4
        file.Preallocate(1 << 20); // 5: the quota window has ended
        file.Write(4096, Page);
    }

    [Fact]
    public void Write_CrashPointWithPerformBytes_WritesThoseWholeSectorsThenCrashes()
    {
        var plan = new FaultPlan { Crash = new CrashPoint { AtOp = 2, PerformBytes = 1000 } };
        using var shim = new ShimHarness(plan);
        using var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew);

        Assert.Throws<ShimHarness.CrashedException>(() => file.Write(0, Page));

        Assert.Equal(Page[..512], shim.Bytes("f"));
        Assert.Throws<StorageException>(() => file.Write(0, Page)); // a crashed process does no more I/O
    }

    [Fact]
    public void Rename_CrashPointBeforeIt_LeavesTheOldName()
    {
        var plan = new FaultPlan { Crash = new CrashPoint { AtOp = 2, Perform = false } };
        using var shim = new ShimHarness(plan);
        shim.Fs.Open(shim.PathOf("a"), OpenMode.CreateNew).Dispose();

        Assert.Throws<ShimHarness.CrashedException>(() => shim.Fs.Rename(shim.PathOf("a"), shim.PathOf("b")));

        Assert.True(File.Exists(shim.PathOf("a")));
    }

    [Fact]
    public void Create_WithoutDirectorySync_IsLostAtPowerLossButKeptAfterIt()
    {
        using var shim = new ShimHarness(FaultPlan.None);
        using (var file = shim.Fs.Open(shim.PathOf("synced"), OpenMode.CreateNew))
        {
            file.Write(0, Page);
            file.Sync();
        }

        shim.Fs.SyncDirectory(shim.Dir.Data);
        using (var file = shim.Fs.Open(shim.PathOf("unsynced-entry"), OpenMode.CreateNew))
        {
            file.Write(0, Page);
            file.Sync();
        }

        var state = shim.CrashState(CrashMode.DropAll);
        Assert.Equal(["synced"], state.Entries.Keys);
    }

    [Fact]
    public void Delete_WithoutDirectorySync_ComesBackWithItsContentAtPowerLoss()
    {
        using var shim = new ShimHarness(FaultPlan.None);
        using (var file = shim.Fs.Open(shim.PathOf("doomed"), OpenMode.CreateNew))
        {
            file.Write(0, Page);
            file.Sync();
        }

        shim.Fs.SyncDirectory(shim.Dir.Data);
        shim.Fs.Delete(shim.PathOf("doomed"));

        Assert.Equal(Page, shim.CrashState(CrashMode.DropAll).Files().Single().Content);
    }

    [Fact]
    public void Rename_OverAFileWithoutDirectorySync_RestoresTheReplacedFileAtPowerLoss()
    {
        using var shim = new ShimHarness(FaultPlan.None);
        foreach (var (name, fill) in new[] { ("old", (byte)1), ("new", (byte)2) })
        {
            using var file = shim.Fs.Open(shim.PathOf(name), OpenMode.CreateNew);
            file.Write(0, Enumerable.Repeat(fill, 100).ToArray());
            file.Sync();
        }

        shim.Fs.SyncDirectory(shim.Dir.Data);
        shim.Fs.Rename(shim.PathOf("new"), shim.PathOf("old"));

        var state = shim.CrashState(CrashMode.DropAll);
        Assert.Equal(Enumerable.Repeat((byte)1, 100), state.Files().Single(f => f.Path == "old").Content);
        Assert.Equal(Enumerable.Repeat((byte)2, 100), state.Files().Single(f => f.Path == "new").Content);
    }

    [Fact]
    public void UnsyncedWrite_RandomSubset_TearsIntoAnySubsetOfSectorsNotOnlyPrefixes()
    {
        using var shim = new ShimHarness(FaultPlan.None);
        using (var file = shim.Fs.Open(shim.PathOf("f"), OpenMode.CreateNew))
        {
            file.Sync();
            shim.Fs.SyncDirectory(shim.Dir.Data);
            file.Write(0, Enumerable.Repeat((byte)9, 8 * 512).ToArray());
        }

        shim.CrashState(CrashMode.DropAll);
        var builder = global::CrashLab.Storage.Faults.CrashStates.CrashStateBuilder.Load(shim.Dir.Data, shim.Dir.Trace);
        var shapes = new HashSet<string>();
        for (var seed = 0UL; seed < 200; seed++)
        {
            var content = builder.Compose(CrashMode.RandomSubset, seed).Files().Single().Content;
            shapes.Add(string.Concat(Enumerable.Range(0, 8).Select(s => s * 512 < content.Length && content[s * 512] == 9 ? '1' : '0')));
        }

        Assert.Contains(shapes, s => s.Contains("01", StringComparison.Ordinal)); // a kept sector after a lost one: not a prefix
        Assert.Contains("00000000", shapes);
        Assert.Contains("11111111", shapes);
    }
}
