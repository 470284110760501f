using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>
/// A reflink (ioctl FICLONE): a new file that shares the source's extents, where a write to
/// either copies the extent first (XFS, btrfs). It is another inode, so a backend (root, which
/// ignores permissions) writing it cannot change the source, unlike a hard link.
/// </summary>
internal static partial class FileClone
{
    /// <summary>_IOW(0x94, 9, int) from linux/fs.h.</summary>
    private const ulong Ficlone = 0x40049409;

    /// <summary>Makes the empty file <paramref name="destination"/> a reflink of <paramref name="source"/>; false where the file system has none (tmpfs, ext4).</summary>
    public static bool Reflink(SafeFileHandle source, SafeFileHandle destination)
        => Ioctl((int)destination.DangerousGetHandle(), Ficlone, (int)source.DangerousGetHandle()) == 0;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, int sourceFd);
}
