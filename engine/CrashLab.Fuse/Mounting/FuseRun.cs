using System.Runtime.InteropServices;
using CrashLab.Fuse.Kernel;
using CrashLab.Fuse.Server;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// Runs one backend on a FUSE mount of its data directory. The daemon mounts the shim over
/// CRASHLAB_DATA_DIR, starts the backend with CRASHLAB_DATA_DIR pointing at the mount (the fault
/// plan and trace directory are the daemon's, so they are taken out of the backend's environment),
/// and lets it use our stdin, stdout and stderr as its own. The backend runs in a process group of
/// its own: the fence (a crash point, or SIGTERM from the harness for its timed kill) SIGKILLs that
/// group and records the kill instant in the undo journal; the daemon lives on until the dead
/// processes' dirty pages have been written back (kept for process-crash states only), then ends
/// as a killed backend would (exit status 137).
/// </summary>
internal static class FuseRun
{
    private const int ChildFailed = 127;
    private const int Killed = 128 + Native.SIGKILL;

    /// <summary>How long the dead group's exit and the write-back may take before the daemon ends anyway.</summary>
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(3);

    public static int Execute(IReadOnlyList<string> command, Func<string, string?> environment, TextWriter log)
    {
        if (environment("CRASHLAB_DATA_DIR") is not { Length: > 0 } backing)
        {
            log.WriteLine("crashlab-fuse: CRASHLAB_DATA_DIR is not set (the backing directory to mount)");
            return 2;
        }

        // Who started us, taken first: a starter that dies while we set up must still be noticed (see WatchParent).
        var parent = Native.GetParentPid();
        // A last resort must never SIGKILL our caller's group: the harness starts us with setsid already.
        _ = Native.SetSid();
        var group = new BackendGroup();
        var fence = new DaemonFence(group);
        // The harness's timed kill: the same fence as a crash point, after the last operation.
        using var fenceOnTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            fence.Fence();
        });

        Directory.CreateDirectory(backing);
        var mountPoint = MountPoints.For(backing);
        MountPoints.Prepare(mountPoint);
        FuseChannel channel;
        try
        {
            channel = FuseChannel.Mount(mountPoint, MountPoints.SourceFor(Environment.ProcessId));
        }
        catch (IOException e)
        {
            log.WriteLine($"crashlab-fuse: {e.Message}");
            return 3;
        }

        Thread? server = null;
        Timer? orphanWatch = null;
        try
        {
            // The backend starts as soon as the mount exists, and the rest of the set-up (the shim and
            // its journal, the server thread, the parent watch, the sweep: tens of milliseconds under
            // load) runs while its program loads: its first request on the mount waits in the kernel
            // until the server reads it, and the server starts only once the shim exists.
            var child = StartChild(command, mountPoint, group, log, out var exit);
            var shim = ShimEnvironment.Create(backing, environment, out var problem, crash: group.Kill, writesAfterCrash: true,
                underShim: new UnsyncedBackingStore(Storage.Physical.PhysicalFileSystem.Instance));
            if (problem != null)
            {
                // The backend never had a request answered; it dies with the connection if not before.
                log.WriteLine($"crashlab-fuse: {problem}");
                return 2;
            }

            fence.Attach(shim);
            var tally = environment(RequestTally.Variable) is { Length: > 0 } path ? path : null;
            server = new Thread(() => Serve(channel, backing, shim, group, tally, log)) { IsBackground = true, Name = "fuse" };
            server.Start();
            orphanWatch = WatchParent(parent, mountPoint, group);
            MountPoints.SweepStale();
            if (child is { } pid)
                exit = SessionSpawn.Wait(pid);
            if (!group.Killed)
                return exit;
            Drain(group, mountPoint, log);
            return Killed;
        }
        finally
        {
            orphanWatch?.Dispose();
            group.Kill(); // whatever the backend left running when it ended
            MountPoints.Release(mountPoint);
            server?.Join(TimeSpan.FromSeconds(5));
            channel.Dispose();
        }
    }

    private static void Serve(FuseChannel channel, string backing, Storage.IFileSystem shim, BackendGroup group, string? tally, TextWriter log)
    {
        _ = ServerThreadScheduling.TryRaiseCallingThread();
        var server = new FuseServer(channel, backing, shim, log);
        try
        {
            server.Run();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The daemon cannot go on: stopping everything is the only safe answer (a mount that
            // answers nothing would hang the backend until the harness's timeout).
            log.WriteLine($"crashlab-fuse: {e.Message}");
            Stop(group);
        }

        try
        {
            if (tally != null)
                server.Received.WriteTo(tally);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"crashlab-fuse: cannot write the request tally: {e.Message}");
        }
    }

    /// <summary>Starts the backend on the mount; its pid, or null with the daemon's exit status when it never started (killed first, or not runnable).</summary>
    private static int? StartChild(IReadOnlyList<string> command, string mountPoint, BackendGroup group, TextWriter log, out int exit)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
            environment[(string)variable.Key] = (string?)variable.Value ?? "";
        environment["CRASHLAB_DATA_DIR"] = mountPoint;
        environment.Remove(ShimEnvironment.FaultPlanVariable);
        environment.Remove(ShimEnvironment.TraceDirVariable);
        environment.Remove(OperationPacing.Variable);
        environment.Remove(RequestTally.Variable);
        exit = Killed;
        try
        {
            return group.Start(command, environment);
        }
        catch (IOException e)
        {
            log.WriteLine($"crashlab-fuse: cannot run the backend '{command[0]}': {e.Message}");
            exit = ChildFailed;
            return null;
        }
    }

    /// <summary>
    /// After the fence: every process of the backend's group has ended, so the kernel has written
    /// back the pages their mappings and descriptors held dirty (the server thread answered those
    /// WRITEs); a syncfs of the mount then writes back whatever is still dirty (it sends no fsync).
    /// The shim recorded all of it after the kill: process-crash states keep it, power-loss ones do not.
    /// </summary>
    private static void Drain(BackendGroup group, string mountPoint, TextWriter log)
    {
        if (!group.WaitUntilDead(DrainBound))
            log.WriteLine($"crashlab-fuse: the backend's process group still ran {DrainBound.TotalSeconds:0} s after the kill");
        var syncfs = Task.Factory.StartNew(() => Native.SyncFs(mountPoint), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!syncfs.Wait(DrainBound))
            log.WriteLine($"crashlab-fuse: syncfs of the mount did not return within {DrainBound.TotalSeconds:0} s");
    }

    /// <summary>If whoever started us dies (the harness killed outright), unmount and take the backend down with us.</summary>
    /// <param name="parent">Our parent when the daemon started: one that died before the watch began is noticed at its first look.</param>
    private static Timer WatchParent(int parent, string mountPoint, BackendGroup group)
    {
        return new Timer(_ =>
        {
            if (Native.GetParentPid() == parent)
                return;
            MountPoints.Release(mountPoint);
            Stop(group);
        }, null, 250, 250);
    }

    /// <summary>The last resort: SIGKILL to the backend's group, then to our own.</summary>
    private static void Stop(BackendGroup group)
    {
        group.Kill();
        _ = Native.Kill(0, Native.SIGKILL);
        Environment.FailFast("SIGKILL of the process group did not stop the daemon");
    }
}
