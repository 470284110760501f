using System.Runtime.InteropServices;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>A real crash: SIGKILL to our own process, so nothing (no finally, no flush) runs after it.</summary>
public static partial class SelfKill
{
    private const int SIGKILL = 9;

    public static void Now()
    {
        _ = Kill(Environment.ProcessId, SIGKILL);
        Environment.FailFast("SIGKILL did not stop the process"); // unreachable unless kill(2) failed
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
