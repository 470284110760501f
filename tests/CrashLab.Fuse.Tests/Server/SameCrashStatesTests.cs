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
