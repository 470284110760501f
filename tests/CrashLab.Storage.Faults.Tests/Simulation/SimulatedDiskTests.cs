using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Storage.Faults.Tests.Simulation;

public sealed class SimulatedDiskTests
{
    private readonly SimulatedDisk _disk = new("/sim");

    public SimulatedDiskTests() => _disk.CreateDirectory("/sim");

    [Fact]
    public void Crash_DropAll_KeepsExactlyWhatWasSynced()
    {
        using var file = _disk.Open("/sim/f", OpenMode.CreateNew);
        _disk.SyncDirectory("/sim");
        file.Write(0, [1, 2, 3]);
        file.DataSync();
        file.Write(3, [4, 5]);

        var crashed = _disk.Crash(CrashMode.DropAll, 0);

        using var after = crashed.Open("/sim/f", OpenMode.ReadOnly);
        var buffer = new byte[10];
        Assert.Equal(3, after.Read(0, buffer));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..3]);
    }

    [Fact]
    public void Crash_SetLengthOnlyFdatasynced_IsNotDurable()
    {
        using var file = _disk.Open("/sim/f", OpenMode.CreateNew);
        file.Sync();
        _disk.SyncDirectory("/sim");
        file.SetLength(4096);
        file.DataSync();

        Assert.Equal(0, _disk.Crash(CrashMode.DropAll, 0).Open("/sim/f", OpenMode.ReadOnly).Length);
        file.Sync();
        Assert.Equal(4096, _disk.Crash(CrashMode.DropAll, 0).Open("/sim/f", OpenMode.ReadOnly).Length);
    }

    [Fact]
    public void Open_HandleSurvivesRename()
    {
        using var file = _disk.Open("/sim/a", OpenMode.CreateNew);
        _disk.Rename("/sim/a", "/sim/b");
        file.Write(0, [7]);

        Assert.Equal(["b"], _disk.List("/sim"));
        Assert.Equal(1, _disk.Open("/sim/b", OpenMode.ReadOnly).Length);
    }

    [Fact]
    public void Operations_OutsideTheRoot_AreRefused()
        => Assert.Equal(StorageErrorKind.AccessDenied, Assert.Throws<StorageException>(() => _disk.Open("/elsewhere/f", OpenMode.CreateNew)).Kind);

    [Fact]
    public void Crash_SameSeed_SameState_AndSeedsDiffer()
    {
        using var file = _disk.Open("/sim/f", OpenMode.CreateNew);
        _disk.SyncDirectory("/sim");
        for (var i = 0; i < 20; i++)
            file.Write(i * 512, Enumerable.Repeat((byte)(i + 1), 512).ToArray());

        var digests = Enumerable.Range(0, 30).Select(seed => _disk.Crash(CrashMode.RandomSubset, (ulong)seed).LiveImage().Digest()).ToList();

        Assert.Equal(digests[5], _disk.Crash(CrashMode.RandomSubset, 5).LiveImage().Digest());
        Assert.True(digests.Distinct().Count() > 20);
    }
}
