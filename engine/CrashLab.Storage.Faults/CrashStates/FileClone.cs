using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>How a file was made from another.</summary>
public enum CloneKind
{
    /// <summary>ioctl FICLONE: the two files share extents, and a write to either copies first (XFS, btrfs).</summary>
    Reflink,

    /// <summary>copy_file_range: the kernel copied the bytes (tmpfs, ext4), without a trip through this process.</summary>
    KernelCopy,

    /// <summary>Neither worked: the caller must write the bytes itself.</summary>
    None,
}

/// <summary>
/// Makes an independent copy of a file as cheaply as the file system allows: a reflink where it
/// offers copy-on-write, else an in-kernel copy. Never a hard link: the copy is another inode, so
/// a backend (root, which ignores permissions) writing it cannot change the source.
/// </summary>
internal static partial class FileClone
{
    /// <summary>_IOW(0x94, 9, int) from linux/fs.h.</summary>
    private const ulong Ficlone = 0x40049409;

    /// <summary>Copies <paramref name="source"/> into the empty file <paramref name="destination"/> (opened for writing); <see cref="CloneKind.None"/> when the caller must write the bytes.</summary>
    public static CloneKind Into(SafeFileHandle source, SafeFileHandle destination, long length)
    {
        var (from, to) = ((int)source.DangerousGetHandle(), (int)destination.DangerousGetHandle());
        if (Ioctl(to, Ficlone, from) == 0)
            return CloneKind.Reflink;
        long copied = 0;
        while (copied < length)
        {
            var n = CopyFileRange(from, 0, to, 0, (nuint)(length - copied), 0);
            if (n <= 0)
                return CloneKind.None; // an error (EXDEV, ENOSYS, EINVAL...) or the source shorter than it was
            copied += n;
        }

        return CloneKind.KernelCopy;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, int sourceFd);

    /// <summary>copy_file_range with null offsets: from and to each file's own offset (0 on a fresh handle), advancing them.</summary>
    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);
}
