using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.CrashStates;

/// <summary>
/// Crash states written as directories share nothing a backend could write through: each holds
/// exactly its image's bytes, a write into one changes neither the data directory it was cloned
/// from nor another state, and where the file system has no reflinks they are copied in the kernel.
/// </summary>
public sealed class CrashStateFilesTests
{
    private const string Memory = "/dev/shm";

    /// <summary>
    /// Every state a profile admits, written out, holds exactly the bytes of its image: written
    /// whole from memory, and cloned then patched (a plain copy standing in for the reflink, so
    /// the patching runs on any file system): the blocks the pending operations touched, the
    /// lengths cut or extended, the files the kill unlinked written whole.
    /// </summary>
    [Property(MaxTest = 20)]
    public void WriteTo_EveryEnumeratedState_HoldsExactlyItsImage(ulong script, bool cloned)
    {
        using var dir = new TempDirectory();
        var builder = Kill(dir, OpScript.Random(script, 30));
        if (cloned)
            CloneEverything(builder);
        var window = builder.Window();
        var states = CrashEnumerator.Enumerate(KnownProfiles.Posix, window, new EnumerationLimits { MaxStates = 24 }).States;
        for (var i = 0; i < states.Count; i++)
        {
            var image = states[i].Compose();
            var target = dir.Sub($"state-{i}");
            builder.WriteTo(image, target);
            AssertHolds(image, target, $"script {script}, cloned {cloned}, state {i}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteTo_BackendWritesIntoAState_NeitherTheDataDirectoryNorAnotherStateChanges(bool cloned)
    {
        using var dir = new TempDirectory();
        var builder = Kill(dir, Appends());
        if (cloned)
            CloneEverything(builder);
        var killed = Snapshot(dir.Data);
        var (first, second) = (dir.Sub("state-1"), dir.Sub("state-2"));
        var image = builder.Compose(CrashMode.KeepAll, 1);
        builder.WriteTo(image, first);
        builder.WriteTo(image, second);

        // As a backend recovering the state would: overwrite in place (both files, the one a pending write touched and the one none did), append, truncate.
        foreach (var name in new[] { "log", "untouched" })
        {
            using var file = File.OpenHandle(Path.Combine(first, name), FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.Write(file, new byte[100], 10);
            RandomAccess.Write(file, new byte[5000], RandomAccess.GetLength(file));
        }

        File.WriteAllBytes(Path.Combine(first, "log"), [1, 2, 3]);
        Assert.Equal(killed, Snapshot(dir.Data));
        AssertHolds(image, second, "the other state");
    }

    /// <summary>tmpfs offers no reflinks: every file is written from memory, none shared.</summary>
    [Fact]
    public void WriteTo_OnAFileSystemWithoutReflinks_WritesFromMemoryAndStaysIndependent()
    {
        Assert.Equal("tmpfs", new DriveInfo(Memory).DriveFormat);
        var root = Directory.CreateDirectory(Path.Combine(Memory, $"crashlab-faults-{Guid.NewGuid():N}")).FullName;
        try
        {
            var (data, trace) = (Directory.CreateDirectory(Path.Combine(root, "data")).FullName, Directory.CreateDirectory(Path.Combine(root, "trace")).FullName);
            var builder = Kill(data, trace, Appends());
            var image = builder.Compose(CrashMode.KeepAll, 1);
            var target = Path.Combine(root, "state");
            var written = builder.WriteTo(image, target);

            Assert.Equal((0, 0, 2, (2 * Large) + 4096 + 100L), (written.Reflinked, written.Patched, written.WrittenWhole, written.BytesWritten));
            File.AppendAllText(Path.Combine(target, "untouched"), "written by the backend");
            Assert.Equal(Large, new FileInfo(Path.Combine(data, "untouched")).Length);
            AssertHolds(builder.Compose(CrashMode.KeepAll, 1), Path.Combine(root, "again"), builder);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void WriteTo_PowerLossDroppingTheAppends_PatchesOnlyTheLengthAndTheChangedBlock()
    {
        using var dir = new TempDirectory();
        var builder = Kill(dir, Appends());
        CloneEverything(builder);
        var window = builder.Window();
        var lost = new CrashAssignment([.. window.Pending.Select(_ => OpOutcome.Lost)]);
        var image = window.Apply(lost);
        var written = builder.WriteTo(image, dir.Sub("state"));

        // The first 4 KiB of the log were rewritten in place and lost: one block written back; the two appends lost: the length cut.
        Assert.Equal((2, 1, 0, 4096L), (written.Reflinked, written.Patched, written.WrittenWhole, written.BytesWritten));
        AssertHolds(image, dir.Sub("state"), "all lost");
    }

    /// <summary>A shrink leaves zeros where the file is extended again; a state that lost the shrink holds the old bytes there, far from any write.</summary>
    [Fact]
    public void WriteTo_ShrinkLostWriteKept_PatchesWhereTheShrinkLeftZeros()
    {
        using var dir = new TempDirectory();
        var builder = Kill(dir, OpScript.Of((fs, root) =>
        {
            using var file = fs.Open(Path.Combine(root, "db"), OpenMode.OpenOrCreate);
            file.Write(0, Enumerable.Repeat((byte)5, 3 * 4096).ToArray());
            file.Sync();
            fs.SyncDirectory(root);
            file.SetLength(1000);
            file.Write(2 * 4096, Enumerable.Repeat((byte)6, 4096).ToArray());
        }));
        CloneEverything(builder);
        var window = builder.Window();
        var shrinkLost = new CrashAssignment([.. window.Pending.Select(op => op is SetLengthOp ? OpOutcome.Lost : OpOutcome.Whole(op, window.SectorSize))]);
        var image = window.Apply(shrinkLost);
        builder.WriteTo(image, dir.Sub("state"));

        Assert.Equal(5, File.ReadAllBytes(Path.Combine(dir.Sub("state"), "db"))[4096]);
        AssertHolds(image, dir.Sub("state"), "shrink lost, write kept");
    }

    /// <summary>Files up to <see cref="CrashStateFiles.WholeUpTo"/> are written from memory even where they could be cloned: their bytes are at hand.</summary>
    [Fact]
    public void WriteTo_SmallFiles_WrittenFromMemoryNotCloned()
    {
        using var dir = new TempDirectory();
        var builder = Kill(dir, OpScript.Of((fs, root) =>
        {
            using var small = fs.Open(Path.Combine(root, "small"), OpenMode.OpenOrCreate);
            small.Write(0, new byte[100]);
        }));
        var image = builder.Compose(CrashMode.KeepAll, 1);
        var written = builder.WriteTo(image, dir.Sub("state"));

        Assert.Equal((0, 1, 100L), (written.Reflinked, written.WrittenWhole, written.BytesWritten));
        AssertHolds(image, dir.Sub("state"), "small");
    }

    /// <summary>The data directory is the base only while it is as the kill left it: a file changed since is written whole from the image.</summary>
    [Fact]
    public void WriteTo_DataDirectoryChangedSinceTheLoad_WritesTheChangedFileWhole()
    {
        using var dir = new TempDirectory();
        var builder = Kill(dir, Appends());
        CloneEverything(builder);
        File.WriteAllBytes(Path.Combine(dir.Data, "untouched"), new byte[Large - 1]);
        var image = builder.Compose(CrashMode.KeepAll, 1);
        var written = builder.WriteTo(image, dir.Sub("state"));

        Assert.Equal((1, 1), (written.Reflinked, written.WrittenWhole));
        AssertHolds(image, dir.Sub("state"), "changed base");
    }

    /// <summary>Past the size written whole from memory (<see cref="CrashStateFiles.WholeUpTo"/>).</summary>
    private const int Large = (256 << 10) + 8192;

    /// <summary>A synced file no pending operation touches, and a synced log then rewritten in its first block and appended to twice, unsynced; both large enough to be cloned.</summary>
    private static OpScript Appends() => OpScript.Of((fs, root) =>
    {
        using (var untouched = fs.Open(Path.Combine(root, "untouched"), OpenMode.OpenOrCreate))
        {
            untouched.Write(0, Enumerable.Repeat((byte)7, Large).ToArray());
            untouched.Sync();
        }

        using var log = fs.Open(Path.Combine(root, "log"), OpenMode.OpenOrCreate);
        log.Write(0, Enumerable.Repeat((byte)1, Large).ToArray());
        log.Sync();
        fs.SyncDirectory(root);
        log.Write(0, Enumerable.Repeat((byte)2, 4096).ToArray());
        log.Write(Large, Enumerable.Repeat((byte)3, 4096).ToArray());
        log.Write(Large + 4096, Enumerable.Repeat((byte)4, 100).ToArray());
    });

    /// <summary>Clones every file the kill left, whatever its size, with a plain copy standing in for a reflink where the file system has none.</summary>
    private static void CloneEverything(CrashStateBuilder builder)
    {
        builder.Files.WholeUpTo = 0;
        builder.Files.Cloner = (source, destination) =>
        {
            var bytes = new byte[RandomAccess.GetLength(source)];
            RandomAccess.Read(source, bytes, 0);
            RandomAccess.Write(destination, bytes, 0);
            return true;
        };
    }

    private static CrashStateBuilder Kill(TempDirectory dir, OpScript ops) => Kill(dir.Data, dir.Trace, ops);

    private static CrashStateBuilder Kill(string data, string trace, OpScript ops)
    {
        using (var journal = new UndoJournal(data, trace))
            ops.Run(new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal), data);
        return CrashStateBuilder.Load(data, trace);
    }

    private static void AssertHolds(FsImage image, string directory, CrashStateBuilder builder)
    {
        builder.WriteTo(image, directory);
        AssertHolds(image, directory, directory);
    }

    private static void AssertHolds(FsImage image, string directory, string what)
    {
        var expected = image.Files().ToDictionary(f => f.Path, f => Convert.ToHexString(f.Content));
        Assert.True(expected.OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(Snapshot(directory)), $"{what}: the directory differs from the image");
    }

    private static SortedDictionary<string, string> Snapshot(string directory)
        => new(Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), f => Convert.ToHexString(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
