using CrashLab.Storage;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Fuse.Tests.Server;

/// <summary>
/// The differential test: one sequence of operations, made once by a program on the FUSE mount
/// and once through the in-process shim, must leave the same pending operations and the same
/// crash states in every mode — FUSE is the same model, not a look-alike.
/// </summary>
public sealed class SameCrashStatesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CrashStates_SameOperationsThroughFuseAndInProcess_AreTheSame()
    {
        var fuse = await ThroughFuseAsync();
        var direct = InProcess();

        Assert.Equal(direct.PendingOperations, fuse.PendingOperations);
        Assert.True(direct.PendingOperations >= 5, $"only {direct.PendingOperations} pending operations: the sequence tests too little");
        foreach (var mode in Enum.GetValues<CrashMode>())
        {
            for (var seed = 1UL; seed <= 12; seed++)
                Assert.Equal(direct.Compose(mode, seed).Digest(), fuse.Compose(mode, seed).Digest());
        }
    }

    /// <summary>
    /// mmap, as far as the in-process shim can say it: it has no page cache, so the in-process side
    /// makes the writes the kernel makes for a mapping, whole dirty pages with contiguous ones in
    /// one request (msync: those writes, then an fdatasync; the process's death: the rest, after
    /// the kill). Both sides must agree on every state, keep-all keeping what came after the kill.
    /// </summary>
    [Fact]
    public async Task CrashStates_MmapThroughFuseAndItsPageWritesInProcess_AreTheSame()
    {
        var (backing, trace) = (Seeded("fuse-mmap"), _dir.Sub("fuse-mmap-trace"));
        const string Script = """
            import mmap, os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            fd = os.open("a", os.O_CREAT | os.O_RDWR)
            os.ftruncate(fd, 16384)
            m = mmap.mmap(fd, 16384, mmap.MAP_SHARED)
            m[0:8192] = b"A" * 8192; m.flush()
            m[8192:16384] = b"B" * 8192
            os.pwrite(os.open("seed", os.O_RDWR), b"X", 0)
            print("not killed")
            """;
        var (exit, stdout, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, new FaultPlan { Crash = new CrashPoint { AtOp = 5 } }, Script);
        Assert.True(exit == 137 && !stdout.Contains("not killed", StringComparison.Ordinal), $"exit {exit}: {stderr}");
        var fuse = CrashStateBuilder.Load(backing, trace);

        var (root, directTrace) = (Seeded("direct-mmap"), _dir.Sub("direct-mmap-trace"));
        using (var journal = new UndoJournal(root, directTrace))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, new FaultPlan { Crash = new CrashPoint { AtOp = 5 } }, root, journal, crash: () => { }, writesAfterCrash: true);
            using var a = fs.Open(Path.Combine(root, "a"), OpenMode.OpenOrCreate);
            a.SetLength(16384);
            a.Write(0, Bytes('A', 8192));
            a.DataSync();
            using var seed = fs.Open(Path.Combine(root, "seed"), OpenMode.OpenExisting);
            seed.Write(0, "X"u8);
            a.Write(8192, Bytes('B', 8192));
        }

        var direct = CrashStateBuilder.Load(root, directTrace);
        Assert.Equal(direct.AfterKillOperations, fuse.AfterKillOperations);
        Assert.NotEmpty(direct.AfterKillOperations);
        foreach (var mode in Enum.GetValues<CrashMode>())
        {
            for (var seed = 1UL; seed <= 12; seed++)
                Assert.Equal(direct.Compose(mode, seed).Digest(), fuse.Compose(mode, seed).Digest());
        }
    }

    private async Task<CrashStateBuilder> ThroughFuseAsync()
    {
        var (backing, trace) = (Seeded("fuse"), _dir.Sub("fuse-trace"));
        const string Script = """
            import os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            a = os.open("a", os.O_CREAT | os.O_RDWR)
            os.pwrite(a, b"A" * 5000, 0); os.fdatasync(a)
            os.pwrite(a, b"B" * 3000, 5000)
            d = os.open(".", os.O_RDONLY); os.fsync(d)
            b = os.open("b.tmp", os.O_CREAT | os.O_RDWR)
            os.pwrite(b, b"C" * 2048, 0); os.fsync(b)
            os.rename("b.tmp", "b")
            os.pwrite(a, b"D" * 1024, 512)
            os.ftruncate(b, 100)
            os.unlink("seed")
            """;
        var (exit, _, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, FaultPlan.None, Script);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        return CrashStateBuilder.Load(backing, trace);
    }

    private CrashStateBuilder InProcess()
    {
        var (root, trace) = (Seeded("direct"), _dir.Sub("direct-trace"));
        using (var journal = new UndoJournal(root, trace))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, root, journal, crash: () => { });
            using var a = fs.Open(Path.Combine(root, "a"), OpenMode.OpenOrCreate);
            a.Write(0, Bytes('A', 5000));
            a.DataSync();
            a.Write(5000, Bytes('B', 3000));
            fs.SyncDirectory(root);
            using var b = fs.Open(Path.Combine(root, "b.tmp"), OpenMode.OpenOrCreate);
            b.Write(0, Bytes('C', 2048));
            b.Sync();
            fs.Rename(Path.Combine(root, "b.tmp"), Path.Combine(root, "b"));
            a.Write(512, Bytes('D', 1024));
            b.SetLength(100);
            fs.Delete(Path.Combine(root, "seed"));
        }

        return CrashStateBuilder.Load(root, trace);
    }

    /// <summary>A data directory that already holds a durable file, so an unlink is among the operations.</summary>
    private string Seeded(string name)
    {
        var dir = _dir.Sub(name);
        File.WriteAllText(Path.Combine(dir, "seed"), "durable before the run");
        return dir;
    }

    private static byte[] Bytes(char c, int count) => Enumerable.Repeat((byte)c, count).ToArray();
}
