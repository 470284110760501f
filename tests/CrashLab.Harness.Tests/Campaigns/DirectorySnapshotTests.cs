using CrashLab.Harness.Campaigns;
using FsCheck.Xunit;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>
/// The snapshot a case file keeps of a data directory: it reuses its buffers from one snapshot to
/// the next, which must never let bytes of an earlier snapshot into a later one.
/// </summary>
public sealed class DirectorySnapshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property(MaxTest = 100)]
    public void SnapshotsTakenOneAfterAnother_EachHoldsExactlyTheFilesAsTheyWere((byte File, bool InSubdirectory, byte[]? Content)[][] rounds)
    {
        var snapshot = new DirectorySnapshot();
        foreach (var round in rounds ?? [])
        {
            Clear();
            foreach (var (file, inSubdirectory, content) in round ?? [])
            {
                var path = Path.Combine(_dir, inSubdirectory ? "sub" : "", $"f{file % 4}");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, content ?? []);
            }

            snapshot.Take(_dir);

            var expected = Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(_dir, f), f => Convert.ToBase64String(File.ReadAllBytes(f)));
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), snapshot.ToCaseFile().OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(expected.Values.Sum(v => (long)Convert.FromBase64String(v).Length), snapshot.Bytes);
        }
    }

    [Fact]
    public void ADirectoryThatDoesNotExist_IsAnEmptySnapshot()
    {
        var snapshot = new DirectorySnapshot();
        File.WriteAllBytes(Path.Combine(_dir, "log.bin"), [1, 2, 3]);
        snapshot.Take(_dir);

        snapshot.Take(Path.Combine(_dir, "absent"));

        Assert.Empty(snapshot.ToCaseFile());
        Assert.Equal(0, snapshot.Bytes);
    }

    [Fact]
    public void ALogThatGrewSinceTheLastSnapshot_IsReadIntoTheBufferItHadNotIntoANewOne()
    {
        var snapshot = new DirectorySnapshot();
        var log = Path.Combine(_dir, "log.bin");
        File.WriteAllBytes(log, Bytes(1 << 20, seed: 1));
        snapshot.Take(_dir);
        File.AppendAllText(log, "one more record");

        var allocated = AllocatedBy(() => snapshot.Take(_dir));

        Assert.True(allocated < LessThanTheLog, $"taking the snapshot of a 1 MiB log that grew by 15 bytes allocated {allocated:N0} bytes");
        Assert.Equal(Convert.ToBase64String(File.ReadAllBytes(log)), snapshot.ToCaseFile()["log.bin"]);
    }

    [Fact]
    public void AFileReplacedByAnotherName_LendsItsBufferToTheNewFile()
    {
        var snapshot = new DirectorySnapshot();
        File.WriteAllBytes(Path.Combine(_dir, "segment-1"), Bytes(1 << 20, seed: 2));
        snapshot.Take(_dir);
        File.Move(Path.Combine(_dir, "segment-1"), Path.Combine(_dir, "segment-2"));
        File.WriteAllBytes(Path.Combine(_dir, "segment-2"), Bytes((1 << 20) - 7, seed: 3));

        var allocated = AllocatedBy(() => snapshot.Take(_dir));

        Assert.True(allocated < LessThanTheLog, $"taking the snapshot of a renamed 1 MiB segment allocated {allocated:N0} bytes");
        Assert.Equal(["segment-2"], snapshot.ToCaseFile().Keys);
        Assert.Equal(Convert.ToBase64String(Bytes((1 << 20) - 7, seed: 3)), snapshot.ToCaseFile()["segment-2"]);
    }

    /// <summary>Far below the 1 MiB file of these tests, far above the few paths and handles a snapshot allocates.</summary>
    private const long LessThanTheLog = 64 << 10;

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private void Clear()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(_dir))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
    }
}
