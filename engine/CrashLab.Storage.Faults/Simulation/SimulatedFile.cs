namespace CrashLab.Storage.Faults.Simulation;

/// <summary>An open file of a <see cref="SimulatedDisk"/>: refers to an inode, so it survives renames.</summary>
internal sealed class SimulatedFile(SimulatedDisk disk, string path, long inode, bool readOnly) : IStorageFile, ISyncFailureSink
{
    public string Path { get; } = path;

    public long Length => disk.Length(inode);

    public int Read(long offset, Span<byte> buffer) => disk.Read(inode, offset, buffer);

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        ThrowIfReadOnly("pwrite");
        disk.Write(inode, offset, data);
    }

    public void SetLength(long length)
    {
        ThrowIfReadOnly("ftruncate");
        disk.SetLength(inode, length);
    }

    public void Preallocate(long length)
    {
        ThrowIfReadOnly("fallocate");
        if (length > Length)
            disk.SetLength(inode, length);
    }

    public void DataSync() => disk.Sync(inode, dataOnly: true);

    public void Sync() => disk.Sync(inode, dataOnly: false);

    public void SyncFailed() => disk.SyncFailed(inode);

    public void Dispose()
    {
    }

    private void ThrowIfReadOnly(string operation)
    {
        if (readOnly)
            throw new StorageException(StorageErrorKind.Other, Errno.EBADF, operation, Path);
    }
}
