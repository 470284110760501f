namespace CrashLab.Fuse.Kernel;

/// <summary>
/// The thread that answers the kernel runs in the real-time FIFO class at its lowest priority, so
/// that when a request wakes it, it runs at once instead of waiting behind whatever else the CPU is
/// running. A program's every request waits for that thread, and on a busy machine (a campaign keeps
/// every core busy) the wait for a CPU was most of a round trip: measured in docs/benchmarks.md
/// ("FUSE's cost per request, session 5").
/// <para>
/// It cannot take a CPU from others for long: the thread blocks in read(2) as soon as no request is
/// queued, and requests come only from programs that the normal scheduler ran. The kernel's
/// real-time throttling (95% of each second by default) bounds it anyway. Nothing the thread forks
/// or spawns inherits the class (SCHED_RESET_ON_FORK); the backend is started by another thread.
/// Where the system refuses (no CAP_SYS_NICE, or a control group with no real-time time), the
/// thread stays as it was: only slower, never different in what it answers.
/// </para>
/// </summary>
internal static class ServerThreadScheduling
{
    /// <summary>SCHED_FIFO's lowest priority: above every normal thread, below every other real-time one.</summary>
    public const int Priority = 1;

    /// <returns>Whether the calling thread now runs SCHED_FIFO.</returns>
    public static bool TryRaiseCallingThread() => Native.SetScheduler(0, Native.SCHED_FIFO | Native.SCHED_RESET_ON_FORK, Priority) == 0;
}
