using System.Runtime.InteropServices;

namespace CrashLab.Fuse.Mounting;

/// <summary>Whether this machine lets CrashLab mount its FUSE file system, and if not, what is missing.</summary>
public static partial class FuseAvailability
{
    /// <summary>Null when FUSE can be used; otherwise a sentence naming what is missing.</summary>
    public static string? Missing()
    {
        if (!OperatingSystem.IsLinux())
            return "FUSE needs Linux";
        if (!File.Exists("/dev/fuse"))
            return "/dev/fuse does not exist (load the fuse kernel module; in a container, pass --device /dev/fuse)";
        if (GetEffectiveUid() != 0)
            return "mounting a FUSE file system needs root (crashlab mounts with mount(2), without fusermount)";
        return null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUid();
}
