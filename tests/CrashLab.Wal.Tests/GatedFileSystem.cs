using System.Collections.Concurrent;
using CrashLab.Storage;

namespace CrashLab.Wal.Tests;

/// <summary>
/// A test decorator whose segment fdatasyncs, once <see cref="Gated"/>, block until the test lets
/// each one return: with success, or with an errno (the sync is then not performed, as when Linux
/// drops the pages of a failed writeback). The test sees every fdatasync as it is issued, so it can
/// hold two groups in flight and finish them in any order.
/// </summary>
internal sealed class GatedFileSystem(IFileSystem inner) : IFileSystem
{
    private readonly BlockingCollection<PendingSync> _issued = [];

    public bool Gated { get; set; }

    /// <summary>An fdatasync that has been called and has not yet returned.</summary>
    public sealed class PendingSync(string path)
    {
        private readonly TaskCompletionSource<int> _errno = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Path { get; } = path;

        public void Succeed() => Release(0);

        public void Fail(int errno) => Release(errno);

        internal void Wait(IStorageFile file)
        {
            var errno = _errno.Task.GetAwaiter().GetResult();
            if (errno != 0)
                throw StorageException.FromErrno(errno, "fdatasync", Path);
            file.DataSync();
        }

        private void Release(int errno) => _errno.SetResult(errno);
    }

    /// <summary>The next fdatasync a writer issued (waits for it; fails the test after 30 s rather than hang).</summary>
    public PendingSync NextSync()
        => _issued.TryTake(out var sync, TimeSpan.FromSeconds(30)) ? sync : throw new TimeoutException("no fdatasync was issued");

    /// <summary>The number of fdatasyncs issued and not yet taken by <see cref="NextSync"/>.</summary>
    public int Unclaimed => _issued.Count;

    public IStorageFile Open(string path, OpenMode mode) => new File(this, inner.Open(path, mode));

    public void Rename(string from, string to) => inner.Rename(from, to);

    public void Delete(string path) => inner.Delete(path);

    public IReadOnlyList<string> List(string directory) => inner.List(directory);

    public bool Exists(string path) => inner.Exists(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public void SyncDirectory(string path) => inner.SyncDirectory(path);

    private sealed class File(GatedFileSystem fs, IStorageFile inner) : IStorageFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Write(long offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);

        public void SetLength(long length) => inner.SetLength(length);

        public void Preallocate(long length) => inner.Preallocate(length);

        public void DataSync()
        {
            if (!fs.Gated)
            {
                inner.DataSync();
                return;
            }

            var sync = new PendingSync(Path);
            fs._issued.Add(sync);
            sync.Wait(inner);
        }

        public void Sync() => inner.Sync();

        public void Dispose() => inner.Dispose();
    }
}
