namespace CrashLab.Storage.Physical;

/// <summary>A real file, driven with pread/pwrite/fdatasync so every errno reaches the caller.</summary>
internal sealed unsafe class PhysicalFile : IStorageFile
{
    private const int FallocateKeepSizeOff = 0;
    private readonly FileDescriptor _fd;

    public PhysicalFile(string path, FileDescriptor fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    public long Length
    {
        get
        {
            var end = LibC.LSeek(_fd.Fd, 0, LibC.SEEK_END);
            return end >= 0 ? end : throw Fail("lseek");
        }
    }

    public int Read(long offset, Span<byte> buffer)
    {
        var total = 0;
        fixed (byte* start = buffer)
        {
            while (total < buffer.Length)
            {
                var n = LibC.PRead(_fd.Fd, start + total, (nuint)(buffer.Length - total), offset + total);
                if (n == 0)
                    break;
                if (n < 0)
                {
                    if (LibC.LastError == Errno.EINTR)
                        continue;
                    throw Fail("pread");
                }

                total += (int)n;
            }
        }

        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        var total = 0;
        fixed (byte* start = data)
        {
            while (total < data.Length)
            {
                var n = LibC.PWrite(_fd.Fd, start + total, (nuint)(data.Length - total), offset + total);
                if (n < 0)
                {
                    if (LibC.LastError == Errno.EINTR)
                        continue;
                    throw Fail("pwrite");
                }

                total += (int)n;
            }
        }
    }

    public void SetLength(long length)
    {
        if (LibC.FTruncate(_fd.Fd, length) != 0)
            throw Fail("ftruncate");
    }

    public void Preallocate(long length)
    {
        if (LibC.FAllocate(_fd.Fd, FallocateKeepSizeOff, 0, length) == 0)
            return;
        var errno = LibC.LastError;
        // tmpfs and some FUSE file systems lack fallocate: growing the file is the best we can do.
        if (errno is Errno.EOPNOTSUPP or Errno.EINVAL)
        {
            if (Length < length)
                SetLength(length);
            return;
        }

        throw StorageException.FromErrno(errno, "fallocate", Path);
    }

    public void DataSync()
    {
        if (LibC.FDataSync(_fd.Fd) != 0)
            throw Fail("fdatasync");
    }

    public void Sync()
    {
        if (LibC.FSync(_fd.Fd) != 0)
            throw Fail("fsync");
    }

    public void Dispose() => _fd.Dispose();

    private StorageException Fail(string operation) => StorageException.FromErrno(LibC.LastError, operation, Path);
}
