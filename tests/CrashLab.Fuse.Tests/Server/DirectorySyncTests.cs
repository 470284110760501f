using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Fuse.Tests.Server;

/// <summary>
/// The daemon answers OPENDIR with ENOSYS, so the kernel stops sending OPENDIR and RELEASEDIR.
/// A directory fsync must still reach the shim every time, the first (which met the ENOSYS) and
/// every later one (opened without asking): it is what makes a create or a rename durable.
/// </summary>
public sealed class DirectorySyncTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task DirectoryFsync_WithoutOpendir_ReachesTheShimEachTimeAndMakesNamesDurable()
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));
        const string Script = """
            import os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            def fsync_dir():
                d = os.open(".", os.O_RDONLY); os.fsync(d); os.close(d)
            for name in ["a", "b"]:
                f = os.open(name, os.O_CREAT | os.O_RDWR); os.pwrite(f, b"x" * 100, 0); os.fsync(f); os.close(f)
                fsync_dir()
            os.rename("b", "c")
            fsync_dir()
            """;

        var (exit, _, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, FaultPlan.None, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var journal = CrashStateBuilder.Load(backing, trace);
        Assert.Equal(3, journal.Events.Count(e => e.Kind == "fsync-dir"));
        Assert.Equal(0, journal.PendingOperations); // two creates and a rename, each made durable by a directory fsync
    }
}
