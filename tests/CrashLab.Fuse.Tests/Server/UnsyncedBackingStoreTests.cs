using CrashLab.Fuse.Server;
using CrashLab.Storage;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Fuse.Tests.Server;

/// <summary>
/// Under the shim the daemon never syncs the backing directory: the shim records each sync for
/// the persistence model, and the real disk's durability is used by no crash state. Shown on a
/// simulated disk, which counts what was never synced: every operation reaches it, no sync does.
/// </summary>
public sealed class UnsyncedBackingStoreTests
{
    [Fact]
    public void Syncs_ThroughTheStore_NeverReachTheBackingDisk_WhileEverythingElseDoes()
    {
        var disk = new SimulatedDisk("/data");
        var store = new UnsyncedBackingStore(disk);

        using (var file = store.Open("/data/wal.log", OpenMode.CreateNew))
        {
            file.Write(0, "record"u8);
            file.DataSync();
            file.Sync();
        }

        store.Rename("/data/wal.log", "/data/wal.0");
        store.SyncDirectory("/data");

        using var check = disk.Open("/data/wal.0", OpenMode.ReadOnly);
        var read = new byte[6];
        Assert.Equal(6, check.Read(0, read));
        Assert.Equal("record"u8.ToArray(), read);
        Assert.Equal(3, disk.PendingCount); // the create, the write and the rename: none synced
    }

    [Fact]
    public void Syncs_StraightOnTheDisk_LeaveNothingPending()
    {
        var disk = new SimulatedDisk("/data");
        using (var file = disk.Open("/data/wal.log", OpenMode.CreateNew))
        {
            file.Write(0, "record"u8);
            file.Sync();
        }

        disk.SyncDirectory("/data");

        Assert.Equal(0, disk.PendingCount); // the control: the count above is the store's doing
    }
}
