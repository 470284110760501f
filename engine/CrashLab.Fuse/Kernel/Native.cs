using System.Runtime.InteropServices;

namespace CrashLab.Fuse.Kernel;

/// <summary>The libc calls the FUSE daemon needs, each returning -1 and errno on failure.</summary>
internal static unsafe partial class Native
{
    private const string Lib = "libc";

    public const int O_RDWR = 2;
    public const int O_CLOEXEC = 0x80000;
    public const int O_DIRECTORY = 0x10000;
    public const int SEEK_SET = 0;
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int MS_NOSUID = 2;
    public const int MS_NODEV = 4;
    public const int SIGKILL = 9;
    public const int SCHED_FIFO = 1;
    public const int SCHED_RESET_ON_FORK = 0x40000000;

    [LibraryImport(Lib, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Seek(int fd, long offset, int whence);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string source, string target, string type, ulong flags, string data);

    [LibraryImport(Lib, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mkdir(string path, uint mode);

    [LibraryImport(Lib, EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rmdir(string path);

    [LibraryImport(Lib, EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rename(string from, string to);

    [LibraryImport(Lib, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Link(string from, string to);

    [LibraryImport(Lib, EntryPoint = "symlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Symlink(string target, string path);

    [LibraryImport(Lib, EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint Readlink(string path, byte* buffer, nuint size);

    [LibraryImport(Lib, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chmod(string path, uint mode);

    [LibraryImport(Lib, EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Lchown(string path, uint uid, uint gid);

    [LibraryImport(Lib, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Utimensat(int dirfd, string path, long* times, int flags);

    [LibraryImport(Lib, EntryPoint = "statvfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statvfs(string path, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Lib, EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFsNative(int fd);

    /// <summary>syncfs(2) of the file system mounted at <paramref name="path"/>: write back its dirty pages.</summary>
    public static int SyncFs(string path)
    {
        var fd = Open(path, O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        var result = SyncFsNative(fd);
        _ = Close(fd);
        return result;
    }

    [LibraryImport(Lib, EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetSchedulerNative(int pid, int policy, int* param);

    /// <summary>sched_setscheduler(2) of <paramref name="tid"/> (0: the calling thread); struct sched_param is one int.</summary>
    public static int SetScheduler(int tid, int policy, int priority) => SetSchedulerNative(tid, policy, &priority);

    [LibraryImport(Lib, EntryPoint = "setsid")]
    public static partial int SetSid();

    [LibraryImport(Lib, EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport(Lib, EntryPoint = "getgid")]
    public static partial uint GetGid();

    [LibraryImport(Lib, EntryPoint = "getppid")]
    public static partial int GetParentPid();

    public static int Errno => Marshal.GetLastPInvokeError();
}
