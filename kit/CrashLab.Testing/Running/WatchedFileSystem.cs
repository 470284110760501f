using CrashLab.Storage;

namespace CrashLab.Testing.Running;

/// <summary>
/// The storage seam with a watcher: tells <paramref name="before"/> about every mutating operation
/// just before it reaches the disk beneath, which is where the kit takes its crash states. It sits
/// under the faulty shim, so it sees what the shim let through (a torn write as the shorter write).
/// </summary>
internal sealed class WatchedFileSystem(IFileSystem inner, Action<string> before) : IFileSystem
{
    public IStorageFile Open(string path, OpenMode mode)
    {
        if (mode is OpenMode.CreateNew or OpenMode.OpenOrCreate && !inner.Exists(path))
            before($"create {Name(path)}");
        return new WatchedFile(inner.Open(path, mode), before);
    }

    public void Rename(string from, string to)
    {
        before($"rename {Name(from)} -> {Name(to)}");
        inner.Rename(from, to);
    }

    public void Delete(string path)
    {
        before($"unlink {Name(path)}");
        inner.Delete(path);
    }

    public IReadOnlyList<string> List(string directory) => inner.List(directory);

    public bool Exists(string path) => inner.Exists(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public void SyncDirectory(string path)
    {
        before($"fsync directory {Name(path)}");
        inner.SyncDirectory(path);
    }

    internal static string Name(string path) => Path.GetFileName(path.TrimEnd('/'));
}
