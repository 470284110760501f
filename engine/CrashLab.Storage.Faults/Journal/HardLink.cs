using System.Runtime.InteropServices;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>link(2): keeps an inode reachable after its last name goes, so it can be put back.</summary>
internal static partial class HardLink
{
    public static void Create(string existing, string link)
    {
        if (File.Exists(link))
            return;
        if (Link(existing, link) != 0)
            throw StorageException.FromErrno(Marshal.GetLastPInvokeError(), "link", $"{existing} -> {link}");
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string link);
}
