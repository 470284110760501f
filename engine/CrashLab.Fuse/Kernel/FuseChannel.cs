using CrashLab.Storage;

namespace CrashLab.Fuse.Kernel;

/// <summary>
/// The connection to the kernel: /dev/fuse opened, and mount(2) of a "fuse.crashlab" file system
/// on it, entered only by the daemon's own user and group (the backend it starts, the harness that
/// started it). The INIT reply asks for the kernel's plain write-through mode (no writeback cache);
/// locks stay in the kernel. No <c>default_permissions</c>: see <see cref="Options"/>.
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
        var options = Options(fd, Native.GetUid(), Native.GetGid());
        if (Native.Mount(source, mountPoint, Mounting.MountPoints.FileSystemType, Native.MS_NOSUID | Native.MS_NODEV, options) != 0)
        {
            var errno = Native.Errno;
            Native.Close(fd);
            throw new IOException($"cannot mount FUSE on {mountPoint}: {Errno.Name(errno)}{(errno == Errno.EPERM ? " (mounting needs root, or CAP_SYS_ADMIN)" : "")}");
        }

        return new FuseChannel(fd, mountPoint);
    }

    /// <summary>
    /// The mount's data. Without <c>allow_other</c> the kernel lets into the mount only processes
    /// whose user and group IDs (real, effective and saved) are <paramref name="uid"/> and
    /// <paramref name="gid"/>, the daemon's own: the backend it starts inherits them. Every other
    /// process gets EACCES at the door. Without <c>default_permissions</c> the kernel checks no mode
    /// bits for those who may enter (the daemon, as root, would pass every check but exec of a file
    /// with no x bit, which the kernel still checks), and so never refreshes a directory's attributes
    /// before a check: a create marks its directory's attributes stale, and with
    /// <c>default_permissions</c> the next path through that directory cost a GETATTR round trip.
    /// </summary>
    internal static string Options(int fd, uint uid, uint gid) => $"fd={fd},rootmode=40000,user_id={uid},group_id={gid}";

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
