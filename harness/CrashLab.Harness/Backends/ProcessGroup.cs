using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CrashLab.Harness.Backends;

/// <summary>
/// Backends run in a process group of their own, so one SIGKILL to the group takes the backend and
/// everything it spawned: no orphans. The group is led by a small guard (<see cref="GroupGuard"/>)
/// that dies with the harness, SIGKILL included, and takes the group with it. Every group
/// started is known here, so a stopped run can kill them all at once and start no more.
/// </summary>
internal static partial class ProcessGroup
{
    private const int SIGKILL = 9;
    private const int SIGTERM = 15;
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    /// <summary>
    /// The running backends that fork nothing (<see cref="GroupGuard.Guard.DiesWithParent"/>): their
    /// group's SIGKILL is the whole kill. Walking their /proc entries first found no one, and cost
    /// more than the read: each entry looked up is one the kernel must invalidate when the process
    /// is reaped (measured: a seventh of the harness's CPU in a reference campaign, in wait4).
    /// </summary>
    private static readonly ConcurrentDictionary<int, bool> ForkNothing = new();
    private static volatile bool _closed;

    public static bool Available => GroupGuard.Available;

    /// <summary>
    /// Starts a backend's process in a group of its own, on the one thread that starts them all
    /// (the parent-death signal follows the thread that forked, not the process). After
    /// <see cref="KillEveryGroup"/> nothing starts any more: the run is stopping.
    /// </summary>
    /// <param name="cpu">The one CPU the process (and all it starts) runs on, from its first instruction (<see cref="FuseCpu"/>); null: any.</param>
    public static Process Start(ProcessStartInfo start, GroupGuard.Guard guard, int? cpu = null)
    {
        if (_closed)
            throw new OperationCanceledException("the run is stopping: no backend starts any more");
        GroupGuard.Wrap(start, guard);
        Process Fork() => Process.Start(start) ?? throw new IOException($"could not start {start.FileName}");
        var process = Spawner.Run(() => cpu is { } one ? FuseCpu.OnCpu(one, Fork) : Fork());
        if (guard == GroupGuard.Guard.DiesWithParent)
            ForkNothing[process.Id] = true;
        Running[process.Id] = process;
        if (_closed)
            KillAll(process);
        return process;
    }

    /// <summary>The run is stopping: SIGKILL to every backend group still running, and none starts after this.</summary>
    public static void KillEveryGroup()
    {
        _closed = true;
        foreach (var process in Running.Values)
            KillAll(process);
    }

    /// <summary>A backend's process was disposed of: no longer ours to kill.</summary>
    public static void Forget(Process process)
    {
        try
        {
            Running.TryRemove(process.Id, out _);
            ForkNothing.TryRemove(process.Id, out _);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>SIGKILL to a backend's whole group and process tree; nothing if it is already gone.</summary>
    public static void KillAll(Process process)
    {
        try
        {
            var descendants = DescendantsToKill(process);
            if (Available)
                Kill(process.Id);
            if (descendants == null)
            {
                process.Kill(entireProcessTree: true);
                return;
            }

            // Those that left the group (a setsid of their own) die here too.
            foreach (var pid in descendants)
                _ = KillNative(pid, SIGKILL);
            process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone (or going).
        }
    }

    /// <summary>
    /// The processes outside the group that a kill of <paramref name="process"/> must reach too:
    /// its descendants (null: the kernel keeps no children lists), none for a backend that forks nothing.
    /// </summary>
    internal static List<int>? DescendantsToKill(Process process)
        // The tree is found before anything dies (a dead parent's children go to init, out of
        // reach), and only while the process lives: after its exit its pid may name another's.
        => process.HasExited || ForkNothing.ContainsKey(process.Id) ? [] : ProcessTree.Descendants(process.Id);

    /// <summary>The exit code if the process ends within <paramref name="timeout"/>; null (still running) otherwise.</summary>
    public static async Task<int?> ExitWithinAsync(Process process, TimeSpan timeout)
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

    /// <summary>One long-lived thread forks every backend: a thread-pool thread that retires would fire the children's parent-death signal.</summary>
    private static class Spawner
    {
        private static readonly BlockingCollection<Action> Work = [];

        static Spawner() => new Thread(() =>
        {
            foreach (var item in Work.GetConsumingEnumerable())
                item();
        }) { IsBackground = true, Name = "crashlab-spawner" }.Start();

        public static T Run<T>(Func<T> start)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Work.Add(() =>
            {
                try
                {
                    done.SetResult(start());
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
            return done.Task.GetAwaiter().GetResult();
        }
    }
}
