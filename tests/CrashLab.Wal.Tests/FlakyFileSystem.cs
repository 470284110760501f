using CrashLab.Storage;

namespace CrashLab.Wal.Tests;

/// <summary>
/// A test decorator over a real file system: counts operations, fails chosen ones with an errno,
/// and can "crash" (throw <see cref="SimulatedCrash"/>) before the n-th mutating operation, which
/// on a real file system leaves exactly the state a process kill would leave.
/// </summary>
internal sealed class FlakyFileSystem(IFileSystem inner) : IFileSystem
{
    public int DataSyncs;
    public int Mutations;

    /// <summary>Throw before the mutation with this number (1-based); 0 = never.</summary>
    public int CrashAtMutation { get; set; }

    /// <summary>Decides whether an operation fails: (operation, path) → errno, or 0 to let it through.</summary>
    public Func<string, string, int> Fail { get; set; } = (_, _) => 0;

    /// <summary>Sees each write's (path, offset, bytes) just before it reaches the file, once <see cref="Fail"/> let it through.</summary>
    public Action<string, long, byte[]>? Writing { get; set; }

    public sealed class SimulatedCrash : Exception
    {
        public SimulatedCrash()
            : base("simulated crash")
        {
        }
    }

    public IStorageFile Open(string path, OpenMode mode)
    {
        if (mode != OpenMode.OpenExisting && mode != OpenMode.ReadOnly)
            Mutate("open", path);
        return new File(this, inner.Open(path, mode));
    }

    public void Rename(string from, string to)
    {
        Mutate("rename", to);
        inner.Rename(from, to);
    }

    public void Delete(string path)
    {
        Mutate("delete", path);
        inner.Delete(path);
    }

    public IReadOnlyList<string> List(string directory) => inner.List(directory);

    public bool Exists(string path) => inner.Exists(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public void SyncDirectory(string path)
    {
        Mutate("syncdir", path);
        inner.SyncDirectory(path);
    }

    private void Mutate(string operation, string path)
    {
        Mutations++;
        if (CrashAtMutation > 0 && Mutations >= CrashAtMutation)
            throw new SimulatedCrash();
        var errno = Fail(operation, path);
        if (errno != 0)
            throw StorageException.FromErrno(errno, operation, path);
    }

    private sealed class File(FlakyFileSystem fs, IStorageFile inner) : IStorageFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer)
        {
            var errno = fs.Fail("read", Path);
            return errno == 0 ? inner.Read(offset, buffer) : throw StorageException.FromErrno(errno, "read", Path);
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            fs.Mutate("write", Path);
            fs.Writing?.Invoke(Path, offset, data.ToArray());
            inner.Write(offset, data);
        }

        public void SetLength(long length)
        {
            fs.Mutate("setlength", Path);
            inner.SetLength(length);
        }

        public void Preallocate(long length)
        {
            fs.Mutate("preallocate", Path);
            inner.Preallocate(length);
        }

        public void DataSync()
        {
            fs.Mutate("fdatasync", Path);
            Interlocked.Increment(ref fs.DataSyncs);
            inner.DataSync();
        }

        public void Sync()
        {
            fs.Mutate("fsync", Path);
            inner.Sync();
        }

        public void Dispose() => inner.Dispose();
    }
}
