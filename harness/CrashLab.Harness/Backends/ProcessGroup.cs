using System.Runtime.InteropServices;

namespace CrashLab.Harness.Backends;

/// <summary>
/// Backends run in a process group of their own (started through setsid), so one SIGKILL to the
/// group takes the backend and everything it spawned: no orphans.
/// </summary>
internal static partial class ProcessGroup
{
    private const int SIGKILL = 9;
    private const int SIGTERM = 15;
    private const string SetSid = "/usr/bin/setsid";

    public static bool Available => File.Exists(SetSid);

    public static (string Executable, IEnumerable<string> Arguments) Wrap(string executable, IEnumerable<string> arguments)
        => Available ? (SetSid, [executable, .. arguments]) : (executable, arguments);

    /// <summary>SIGKILL to a backend's whole group and process tree; nothing if it is already gone.</summary>
    public static void KillAll(System.Diagnostics.Process process)
    {
        try
        {
            if (Available)
                Kill(process.Id);
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The exit code if the process ends within <paramref name="timeout"/>; null (still running) otherwise.</summary>
    public static async Task<int?> ExitWithinAsync(System.Diagnostics.Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM to one process (a FUSE daemon: its fence).</summary>
    public static void Terminate(int pid) => _ = KillNative(pid, SIGTERM);

    /// <summary>SIGKILL to every process in the group led by <paramref name="leader"/>.</summary>
    public static void Kill(int leader) => _ = KillNative(-leader, SIGKILL);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
