using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// Where CrashLab mounts, and the clean-up that makes sure no mount outlives its daemon. A
/// backing directory's mount point is derived from its path (so the harness can find it without
/// being told), under one root outside every work directory (so deleting a work directory never
/// walks into a mount). Each mount's source names its daemon's pid: a mount whose daemon is gone is
/// stale, and <see cref="SweepStale"/> unmounts it — the next run cleans up after a killed one.
/// </summary>
public static partial class MountPoints
{
    /// <summary>The file-system type CrashLab mounts (mountinfo shows it), so its mounts are told from any other FUSE mount.</summary>
    public const string FileSystemType = "fuse.crashlab";

    private const string SourcePrefix = "crashlab:";
    private const int MntDetach = 2;

    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "crashlab-fuse");

    /// <summary>
    /// The mount point of <paramref name="backingDir"/>: a 64-bit FNV-1a hash of its full path, a
    /// name and not a secret. Computed in every daemon start, so it uses nothing the runtime must
    /// load or compile first (a hashing assembly and vectorised hex formatting cost milliseconds there).
    /// </summary>
    public static string For(string backingDir)
    {
        const ulong Offset = 14695981039346656037, Prime = 1099511628211;
        var full = Path.GetFullPath(backingDir).TrimEnd('/');
        var hash = Offset;
        foreach (var b in Encoding.UTF8.GetBytes(full))
            hash = (hash ^ b) * Prime;
        return Path.Combine(Root, hash.ToString("x16", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Makes <paramref name="mountPoint"/> ready to mount on: a stale mount left there is lazily
    /// unmounted, and the directory exists. Unlike <see cref="Release"/> followed by a create, it
    /// neither removes a directory it then makes again nor throws when there is none yet.
    /// </summary>
    public static void Prepare(string mountPoint)
    {
        _ = Unmount(mountPoint);
        Directory.CreateDirectory(mountPoint);
    }

    /// <summary>The mount source that names this daemon.</summary>
    public static string SourceFor(int daemonPid) => SourcePrefix + daemonPid;

    /// <summary>CrashLab's mounts now present: (mount point, daemon pid).</summary>
    public static IReadOnlyList<(string MountPoint, int DaemonPid)> Mounted()
    {
        var found = new List<(string, int)>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mount-point options [optional...] - type source super-options
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (dash < 0 || dash + 2 >= fields.Length || fields[dash + 1] != FileSystemType)
                continue;
            var source = fields[dash + 2];
            var pid = source.StartsWith(SourcePrefix, StringComparison.Ordinal) && int.TryParse(source.AsSpan(SourcePrefix.Length), out var p) ? p : 0;
            found.Add((fields[4].Replace("\\040", " ", StringComparison.Ordinal), pid));
        }

        return found;
    }

    /// <summary>Unmounts every CrashLab mount whose daemon is no longer running; returns how many.</summary>
    public static int SweepStale()
    {
        var swept = 0;
        foreach (var (mountPoint, pid) in Mounted())
        {
            if (DaemonAlive(pid))
                continue;
            if (Release(mountPoint))
                swept++;
        }

        return swept;
    }

    /// <summary>Lazily unmounts <paramref name="mountPoint"/> if it is mounted, and removes the empty directory.</summary>
    public static bool Release(string mountPoint)
    {
        var unmounted = Unmount(mountPoint);
        try
        {
            Directory.Delete(mountPoint);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return unmounted;
    }

    /// <summary>
    /// False when the mount is wedged: a statvfs of it does not come back within
    /// <paramref name="timeout"/> (its daemon stopped answering the kernel). An error answer, such
    /// as a dead daemon's ENOTCONN, is not a wedge. The probe runs on a thread of its own, which a
    /// wedge holds until the daemon's death aborts the connection.
    /// </summary>
    public static bool Responds(string mountPoint, TimeSpan timeout)
    {
        var probe = Task.Factory.StartNew(() => Probe(mountPoint), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return probe.Wait(timeout);
    }

    private static unsafe void Probe(string mountPoint)
    {
        var buffer = stackalloc byte[128];
        _ = Statvfs(mountPoint, buffer);
    }

    [LibraryImport("libc", EntryPoint = "statvfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statvfs(string path, byte* buffer);

    /// <summary>Lazy unmount: the name goes at once, even if something still holds a file open on it.</summary>
    public static bool Unmount(string mountPoint) => Umount2(mountPoint, MntDetach) == 0;

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Umount2(string target, int flags);

    /// <summary>A zombie or a reused pid is not a daemon: its command line must name crashlab-fuse.</summary>
    private static bool DaemonAlive(int pid)
    {
        try
        {
            return pid > 0 && File.ReadAllText($"/proc/{pid}/cmdline").Contains("crashlab-fuse", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
