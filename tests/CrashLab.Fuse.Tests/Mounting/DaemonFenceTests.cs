using CrashLab.Fuse.Mounting;
using CrashLab.Storage;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Fuse.Tests.Mounting;

public sealed class DaemonFenceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Fence_BeforeTheShimExists_IsJournaledAsAKillBeforeItsFirstOperation()
    {
        var (data, trace) = (_dir.Sub("data"), _dir.Sub("trace"));
        File.WriteAllText(Path.Combine(data, "log"), "durable");
        var fence = new DaemonFence(new BackendGroup());

        fence.Fence(); // the harness's SIGTERM, while the backend's program still loads
        using (var journal = new UndoJournal(data, trace))
        {
            var shim = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal, crash: () => { }, writesAfterCrash: true);
            fence.Attach(shim);
            Assert.Throws<StorageException>(() => shim.Open(Path.Combine(data, "log"), OpenMode.OpenExisting)); // no process the fence killed can open anything
        }

        var builder = CrashStateBuilder.Load(data, trace);
        Assert.Equal(new CrashPoint { AtOp = 0, Perform = true }, builder.ReplayPoint);
        Assert.Equal("durable", File.ReadAllText(Path.Combine(data, "log")));
    }

    [Fact]
    public void Fence_AfterTheShimExists_FencesAfterItsLastOperation()
    {
        var (data, trace) = (_dir.Sub("data"), _dir.Sub("trace"));
        var fence = new DaemonFence(new BackendGroup());
        using (var journal = new UndoJournal(data, trace))
        {
            var shim = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal, crash: () => { }, writesAfterCrash: true);
            fence.Attach(shim);
            using var log = shim.Open(Path.Combine(data, "log"), OpenMode.OpenOrCreate);
            log.Write(0, "before the kill"u8);
            fence.Fence();
            Assert.Throws<StorageException>(() => shim.Open(Path.Combine(data, "other"), OpenMode.OpenOrCreate)); // nothing but write-back after the fence
        }

        var builder = CrashStateBuilder.Load(data, trace);
        Assert.Equal(2, builder.ReplayPoint.AtOp); // the create and the write came before it
        Assert.Empty(builder.AfterKillOperations);
    }
}
