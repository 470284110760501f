using CrashLab.Storage;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Testing.Running;

/// <summary>An open file of a <see cref="WatchedFileSystem"/>; passes a failed fsync on to the disk's power-loss model.</summary>
internal sealed class WatchedFile(IStorageFile inner, Action<string> before) : IStorageFile, ISyncFailureSink
{
    public string Path => inner.Path;

    public long Length => inner.Length;

    public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        before($"pwrite {Name} @{offset} {data.Length} B");
        inner.Write(offset, data);
    }

    public void SetLength(long length)
    {
        before($"ftruncate {Name} to {length}");
        inner.SetLength(length);
    }

    public void Preallocate(long length)
    {
        before($"fallocate {Name} to {length}");
        inner.Preallocate(length);
    }

    public void DataSync()
    {
        before($"fdatasync {Name}");
        inner.DataSync();
    }

    public void Sync()
    {
        before($"fsync {Name}");
        inner.Sync();
    }

    public void SyncFailed() => (inner as ISyncFailureSink)?.SyncFailed();

    public void Dispose() => inner.Dispose();

    private string Name => WatchedFileSystem.Name(inner.Path);
}
