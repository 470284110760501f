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
