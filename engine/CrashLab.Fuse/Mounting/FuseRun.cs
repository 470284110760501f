using System.Diagnostics;
using CrashLab.Fuse.Kernel;
using CrashLab.Fuse.Server;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// Runs one backend on a FUSE mount of its data directory. The daemon mounts the shim over
/// CRASHLAB_DATA_DIR, starts the backend with CRASHLAB_DATA_DIR pointing at the mount (the fault
/// plan and trace directory are the daemon's, so they are taken out of the backend's environment),
/// and lets it use our stdin, stdout and stderr as its own. Backend and daemon share one process
/// group: a crash point kills the group, the daemon with it, which is the power-cut fence (no
/// operation after it reaches the backing directory); the harness's kill does the same.
/// </summary>
internal static class FuseRun
{
    private const int ChildFailed = 127;

    public static int Execute(IReadOnlyList<string> command, Func<string, string?> environment, TextWriter log)
    {
        if (environment("CRASHLAB_DATA_DIR") is not { Length: > 0 } backing)
        {
            log.WriteLine("crashlab-fuse: CRASHLAB_DATA_DIR is not set (the backing directory to mount)");
            return 2;
        }

        // The fence kills our process group: it must be ours alone (the harness starts us with
        // setsid already; anyone else gets a group of our own here, never a SIGKILL of theirs).
        _ = Native.SetSid();
        Directory.CreateDirectory(backing);
        var shim = ShimEnvironment.Create(backing, environment, out var problem, crash: KillGroup);
        if (problem != null)
        {
            log.WriteLine($"crashlab-fuse: {problem}");
            return 2;
        }

        MountPoints.SweepStale();
        var mountPoint = MountPoints.For(backing);
        MountPoints.Release(mountPoint);
        Directory.CreateDirectory(mountPoint);
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

        var server = new Thread(() => Serve(channel, backing, shim, log)) { IsBackground = true, Name = "fuse" };
        server.Start();
        using var orphanWatch = WatchParent(mountPoint);
        try
        {
            return RunChild(command, mountPoint, log);
        }
        finally
        {
            MountPoints.Release(mountPoint);
            server.Join(TimeSpan.FromSeconds(5));
            channel.Dispose();
        }
    }

    private static void Serve(FuseChannel channel, string backing, Storage.IFileSystem shim, TextWriter log)
    {
        try
        {
            new FuseServer(channel, backing, shim, log).Run();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The daemon cannot go on: stopping the group is the only safe answer (a mount that
            // answers nothing would hang the backend until the harness's timeout).
            log.WriteLine($"crashlab-fuse: {e.Message}");
            KillGroup();
        }
    }

    private static int RunChild(IReadOnlyList<string> command, string mountPoint, TextWriter log)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var word in command.Skip(1))
            start.ArgumentList.Add(word);
        start.Environment["CRASHLAB_DATA_DIR"] = mountPoint;
        start.Environment.Remove(ShimEnvironment.FaultPlanVariable);
        start.Environment.Remove(ShimEnvironment.TraceDirVariable);
        start.Environment.Remove(OperationPacing.Variable);
        try
        {
            using var child = Process.Start(start)!;
            child.WaitForExit();
            return child.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.WriteLine($"crashlab-fuse: cannot run the backend '{command[0]}': {e.Message}");
            return ChildFailed;
        }
    }

    /// <summary>If whoever started us dies (the harness killed outright), unmount and take the backend down with us.</summary>
    private static Timer WatchParent(string mountPoint)
    {
        var parent = Native.GetParentPid();
        return new Timer(_ =>
        {
            if (Native.GetParentPid() == parent)
                return;
            MountPoints.Release(mountPoint);
            KillGroup();
        }, null, 250, 250);
    }

    /// <summary>The fence: SIGKILL to the whole process group, backend and daemon at once.</summary>
    private static void KillGroup()
    {
        _ = Native.Kill(0, Native.SIGKILL);
        Environment.FailFast("SIGKILL of the process group did not stop the daemon");
    }
}
