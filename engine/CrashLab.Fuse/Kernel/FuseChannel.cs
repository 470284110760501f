using CrashLab.Storage;

namespace CrashLab.Fuse.Kernel;

/// <summary>
/// The connection to the kernel: /dev/fuse opened, and mount(2) of a "fuse.crashlab" file system
/// on it. The mount options give the kernel's plain write-through mode (the INIT reply asks for no
/// writeback cache) and leave permission checks and locks to the kernel.
/// </summary>
internal sealed unsafe class FuseChannel : IDisposable
{
    private readonly int _fd;

    private FuseChannel(int fd, string mountPoint)
    {
        _fd = fd;
        MountPoint = mountPoint;
    }

    public string MountPoint { get; }

    /// <param name="source">What mountinfo shows as the source: it names the daemon, so a stale mount can be told from a live one.</param>
    public static FuseChannel Mount(string mountPoint, string source)
    {
        var fd = Native.Open("/dev/fuse", Native.O_RDWR | Native.O_CLOEXEC, 0);
        if (fd < 0)
            throw new IOException($"cannot open /dev/fuse: {Errno.Name(Native.Errno)}");
        var options = $"fd={fd},rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other";
        if (Native.Mount(source, mountPoint, Mounting.MountPoints.FileSystemType, Native.MS_NOSUID | Native.MS_NODEV, options) != 0)
        {
            var errno = Native.Errno;
            Native.Close(fd);
            throw new IOException($"cannot mount FUSE on {mountPoint}: {Errno.Name(errno)}{(errno == Errno.EPERM ? " (mounting needs root, or CAP_SYS_ADMIN)" : "")}");
        }

        return new FuseChannel(fd, mountPoint);
    }

    /// <summary>The next request into <paramref name="buffer"/>; 0 once the file system is unmounted.</summary>
    public int Receive(byte[] buffer)
    {
        const int ENOENT = 2, EINTR = 4, EAGAIN = 11, ENODEV = 19;
        while (true)
        {
            nint n;
            fixed (byte* start = buffer)
                n = Native.Read(_fd, start, (nuint)buffer.Length);
            if (n > 0)
                return (int)n;
            var errno = Native.Errno;
            if (n == 0 || errno == ENODEV)
                return 0;
            if (errno is EINTR or EAGAIN or ENOENT) // ENOENT: the request was interrupted before we read it
                continue;
            throw new IOException($"reading /dev/fuse: {Errno.Name(errno)}");
        }
    }

    public void Send(ReadOnlySpan<byte> reply)
    {
        fixed (byte* start = reply)
        {
            // ENOENT: the kernel gave up on the request (interrupted); nothing to do.
            if (Native.Write(_fd, start, (nuint)reply.Length) < 0 && Native.Errno != Errno.ENOENT)
                throw new IOException($"writing /dev/fuse: {Errno.Name(Native.Errno)}");
        }
    }

    public void Dispose() => Native.Close(_fd);
}
