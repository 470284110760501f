namespace CrashLab.Storage.Physical;

/// <summary>The real Linux file system, with exact errno reporting and real directory fsync.</summary>
public sealed class PhysicalFileSystem : IFileSystem
{
    private const uint FileMode = 0x1A4; // 0644

    public static PhysicalFileSystem Instance { get; } = new();

    public IStorageFile Open(string path, OpenMode mode)
    {
        var flags = LibC.O_CLOEXEC | mode switch
        {
            OpenMode.OpenExisting => LibC.O_RDWR,
            OpenMode.CreateNew => LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL,
            OpenMode.OpenOrCreate => LibC.O_RDWR | LibC.O_CREAT,
            OpenMode.ReadOnly => LibC.O_RDONLY,
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        var fd = LibC.Open(path, flags, FileMode);
        if (fd < 0)
            throw StorageException.FromErrno(LibC.LastError, "open", path);
        return new PhysicalFile(path, new FileDescriptor(fd));
    }

    public void Rename(string from, string to)
    {
        if (LibC.Rename(from, to) != 0)
            throw StorageException.FromErrno(LibC.LastError, "rename", $"{from} -> {to}");
    }

    public void Delete(string path)
    {
        if (LibC.Unlink(path) != 0)
            throw StorageException.FromErrno(LibC.LastError, "unlink", path);
    }

    public IReadOnlyList<string> List(string directory)
    {
        try
        {
            var paths = Directory.GetFiles(directory);
            var names = new string[paths.Length];
            for (var i = 0; i < paths.Length; i++)
                names[i] = System.IO.Path.GetFileName(paths[i]);
            return names;
        }
        catch (DirectoryNotFoundException)
        {
            throw new StorageException(StorageErrorKind.NotFound, Errno.ENOENT, "list", directory);
        }
        catch (UnauthorizedAccessException)
        {
            throw new StorageException(StorageErrorKind.AccessDenied, Errno.EACCES, "list", directory);
        }
    }

    /// <summary>
    /// Whether any entry has this name (a dangling symbolic link too, as File.Exists says): one
    /// faccessat that follows no link. File.Exists then Directory.Exists cost an lstat and a stat
    /// per missing name, and the shim asks before every open that may create, so a FUSE daemon paid
    /// them on every CREATE (about 3 µs of a create's 60 through FUSE: docs/benchmarks.md, session 9).
    /// </summary>
    public bool Exists(string path) => LibC.FAccessAt(LibC.AT_FDCWD, path, LibC.F_OK, LibC.AT_SYMLINK_NOFOLLOW) == 0;

    public void CreateDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (IOException e)
        {
            throw new StorageException(StorageErrorKind.Other, 0, $"mkdir ({e.Message})", path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new StorageException(StorageErrorKind.AccessDenied, Errno.EACCES, "mkdir", path);
        }
    }

    public void SyncDirectory(string path)
    {
        var fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
            throw StorageException.FromErrno(LibC.LastError, "open(dir)", path);
        using var handle = new FileDescriptor(fd);
        if (LibC.FSync(fd) != 0)
            throw StorageException.FromErrno(LibC.LastError, "fsync(dir)", path);
    }
}
