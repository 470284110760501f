using CrashLab.Storage;

namespace CrashLab.Fuse.Server;

/// <summary>
/// The backing directory under the shim, with every fsync, fdatasync and directory fsync left out.
/// The shim still sees and records each one (it is the shim's decorator that calls down to here):
/// durability is the persistence model's, built from the undo journal, never the real disk's. A
/// power loss is simulated; what the backing files must survive is the backend's SIGKILL and the
/// daemon's exit, and the page cache keeps them through both. A real fsync would only make the
/// backend wait for a disk (milliseconds a sync where the data is on one) for a durability no
/// crash state uses. Only under the shim: a plain run (no fault plan, no trace) syncs for real.
/// </summary>
internal sealed class UnsyncedBackingStore(IFileSystem backing) : IFileSystem
{
    public IStorageFile Open(string path, OpenMode mode) => new File(backing.Open(path, mode));

    public void Rename(string from, string to) => backing.Rename(from, to);

    public void Delete(string path) => backing.Delete(path);

    public IReadOnlyList<string> List(string directory) => backing.List(directory);

    public bool Exists(string path) => backing.Exists(path);

    public void CreateDirectory(string path) => backing.CreateDirectory(path);

    public void SyncDirectory(string path)
    {
    }

    private sealed class File(IStorageFile file) : IStorageFile
    {
        public string Path => file.Path;

        public long Length => file.Length;

        public int Read(long offset, Span<byte> buffer) => file.Read(offset, buffer);

        public void Write(long offset, ReadOnlySpan<byte> data) => file.Write(offset, data);

        public void SetLength(long length) => file.SetLength(length);

        public void Preallocate(long length) => file.Preallocate(length);

        public void DataSync()
        {
        }

        public void Sync()
        {
        }

        public void Dispose() => file.Dispose();
    }
}
