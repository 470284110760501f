using CrashLab.Storage.Physical;

namespace CrashLab.Storage.Tests.Physical;

public sealed class PhysicalFileSystemTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-fs-").FullName;
    private readonly PhysicalFileSystem _fs = PhysicalFileSystem.Instance;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Open_MissingFile_IsNotFound()
    {
        var error = Assert.Throws<StorageException>(() => _fs.Open(Path.Combine(_dir, "missing"), OpenMode.OpenExisting));

        Assert.Equal(StorageErrorKind.NotFound, error.Kind);
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
        Assert.Contains("ENOENT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CreateNewOnExistingFile_IsAlreadyExists()
    {
        var path = Path.Combine(_dir, "f");
        _fs.Open(path, OpenMode.CreateNew).Dispose();

        Assert.Equal(StorageErrorKind.AlreadyExists, Assert.Throws<StorageException>(() => _fs.Open(path, OpenMode.CreateNew)).Kind);
    }

    [Fact]
    public void WriteRead_AtOffsets_RoundTripAndSync()
    {
        using var file = _fs.Open(Path.Combine(_dir, "f"), OpenMode.CreateNew);
        file.Preallocate(8192);
        file.Write(4096, "hello"u8);
        file.DataSync();
        file.Sync();

        var buffer = new byte[5];
        Assert.Equal(5, file.Read(4096, buffer));
        Assert.Equal("hello"u8.ToArray(), buffer);
        Assert.Equal(8192, file.Length);
        Assert.Equal(0, file.Read(9000, buffer));
    }

    [Fact]
    public void SetLength_Shrinks()
    {
        using var file = _fs.Open(Path.Combine(_dir, "f"), OpenMode.CreateNew);
        file.Write(0, new byte[1000]);
        file.SetLength(10);

        Assert.Equal(10, file.Length);
    }

    [Fact]
    public void Rename_OverExistingFile_ReplacesIt()
    {
        var a = Path.Combine(_dir, "a");
        var b = Path.Combine(_dir, "b");
        File.WriteAllText(a, "new");
        File.WriteAllText(b, "old");

        _fs.Rename(a, b);
        _fs.SyncDirectory(_dir);

        Assert.Equal("new", File.ReadAllText(b));
        Assert.Equal(["b"], _fs.List(_dir));
    }

    [Fact]
    public void SyncDirectory_OnAFile_FailsWithErrno()
    {
        var path = Path.Combine(_dir, "f");
        File.WriteAllText(path, "x");

        Assert.Equal(Errno.ENOTDIR, Assert.Throws<StorageException>(() => _fs.SyncDirectory(path)).ErrorNumber);
    }

    [Fact]
    public void Delete_Missing_IsNotFound()
        => Assert.Equal(StorageErrorKind.NotFound, Assert.Throws<StorageException>(() => _fs.Delete(Path.Combine(_dir, "nope"))).Kind);

    [Fact]
    public void List_MissingDirectory_IsNotFound()
        => Assert.Equal(StorageErrorKind.NotFound, Assert.Throws<StorageException>(() => _fs.List(Path.Combine(_dir, "nope"))).Kind);

    /// <summary>
    /// Exists is one faccessat that follows no link, and answers what File.Exists || Directory.Exists
    /// answered (it replaced them: two path walks per missing name on every create through FUSE).
    /// </summary>
    [Fact]
    public void Exists_EveryKindOfEntry_AnswersAsFileOrDirectoryExists()
    {
        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "dir")).FullName;
        var dangling = Path.Combine(_dir, "dangling");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "nowhere"));
        string[] paths = [file, directory, dangling, Path.Combine(_dir, "missing"), Path.Combine(file, "under-a-file"), file + "/", directory + "/", ""];

        Assert.All(paths, path => Assert.True((File.Exists(path) || Directory.Exists(path)) == _fs.Exists(path), $"'{path}'"));
        Assert.True(_fs.Exists(dangling));
        Assert.False(_fs.Exists(Path.Combine(_dir, "missing")));
    }

    [Theory]
    [InlineData(Errno.EIO, StorageErrorKind.Io)]
    [InlineData(Errno.ENOSPC, StorageErrorKind.NoSpace)]
    [InlineData(Errno.EDQUOT, StorageErrorKind.NoSpace)]
    [InlineData(Errno.EACCES, StorageErrorKind.AccessDenied)]
    [InlineData(Errno.EINVAL, StorageErrorKind.Other)]
    public void Classify_Errno_GivesTheKindAWalMustActOn(int errno, StorageErrorKind kind) => Assert.Equal(kind, Errno.Classify(errno));
}
