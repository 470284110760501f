using System.Globalization;
using System.Runtime.InteropServices;
using CrashLab.Protocol;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// Dies with the harness that started it, even a harness killed with SIGKILL, without a guard
/// process in between: the harness names itself in <see cref="EngineEnvironment.ParentPid"/>, and the engine asks the
/// kernel for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG). The harness then starts it
/// with one exec (setsid, for a process group of its own) instead of a shell guard's four
/// (docs/harness.md). The engine starts no process of its own, so nothing else can be orphaned.
/// </summary>
internal static partial class ParentDeath
{
    private const int PrSetPdeathsig = 1;
    private const int SigKill = 9;

    /// <summary>
    /// Arms the signal when <paramref name="parentPid"/> (the variable's value) is set; false when
    /// that parent is already gone, so the engine must not run at all.
    /// </summary>
    /// <exception cref="UsageException">The value is not a process id, or the kernel refused.</exception>
    public static bool Arm(string? parentPid)
    {
        if (string.IsNullOrEmpty(parentPid))
            return true;
        if (!int.TryParse(parentPid, NumberStyles.None, CultureInfo.InvariantCulture, out var parent) || parent <= 0)
            throw new UsageException($"{EngineEnvironment.ParentPid}={parentPid} is not a process id");
        if (Prctl(PrSetPdeathsig, SigKill, 0, 0, 0) != 0)
            throw new UsageException($"cannot ask for a signal at the death of process {parent}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

        // The parent may have died between its fork and the prctl above: then the kernel has
        // already given us another parent, and no signal will ever come.
        return GetParentPid() == parent;
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();
}
