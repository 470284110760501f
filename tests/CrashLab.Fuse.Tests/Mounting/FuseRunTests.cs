using CrashLab.Fuse.Mounting;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Fuse.Tests.Mounting;

public sealed class FuseRunTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Execute_ProgramOnTheMount_SeesItsFilesAndTheBackingDirectoryHoldsThem()
    {
        var backing = _dir.Sub("backing");
        File.WriteAllText(Path.Combine(backing, "old.txt"), "before");
        const string Script = """
            import os, mmap, ctypes
            d = os.environ["CRASHLAB_DATA_DIR"]; os.chdir(d)
            print("old", open("old.txt").read())
            fd = os.open("log", os.O_CREAT | os.O_RDWR, 0o640)
            os.write(fd, b"x" * 5000); os.fdatasync(fd); os.pwrite(fd, b"y" * 10, 100); os.fsync(fd)
            os.posix_fallocate(fd, 0, 8192); print("size", os.fstat(fd).st_size)
            os.ftruncate(fd, 4096); print("pread", os.pread(fd, 3, 99))
            os.mkdir("sub"); os.rename("old.txt", "sub/new.txt"); os.link("log", "log2"); os.symlink("log", "ln")
            print("nlink", os.stat("log").st_nlink, "readlink", os.readlink("ln"))
            libc = ctypes.CDLL(None, use_errno=True)
            r = libc.renameat2(-100, b"log2", -100, b"log", 1); print("noreplace", r, ctypes.get_errno())
            r = libc.renameat2(-100, b"ln", -100, b"log", 2); print("exchange", r, ctypes.get_errno())
            m = os.open("map", os.O_CREAT | os.O_RDWR); os.ftruncate(m, 4096)
            mm = mmap.mmap(m, 4096); mm[0:6] = b"mapped"; mm.flush(); mm.close(); os.close(m)
            dfd = os.open(".", os.O_RDONLY); os.fsync(dfd); os.close(dfd)
            os.unlink("log2"); print("ls", sorted(os.listdir(".")), sorted(os.listdir("sub")))
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(backing, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("old before", stdout);
        Assert.Contains("size 8192", stdout);
        Assert.Contains("pread b'xyy'", stdout);
        Assert.Contains("nlink 2 readlink log", stdout);
        Assert.Contains("noreplace -1 17", stdout); // EEXIST
        Assert.Contains("exchange -1 22", stdout); // EINVAL: no exchange in the persistence model
        Assert.Contains("ls ['ln', 'log', 'map', 'sub'] ['new.txt']", stdout);
        Assert.Equal(4096, new FileInfo(Path.Combine(backing, "log")).Length);
        Assert.Equal("mapped", File.ReadAllText(Path.Combine(backing, "map"))[..6]);
        Assert.Equal("before", File.ReadAllText(Path.Combine(backing, "sub", "new.txt")));
        Assert.DoesNotContain(MountPoints.Mounted(), m => m.MountPoint == MountPoints.For(backing));
    }

    /// <summary>
    /// A create skips its chmod when the backing file already has the mode asked for (0644 under
    /// the usual umask): every mode still comes out as asked, on the mount and in the backing directory.
    /// </summary>
    [Fact]
    public async Task Execute_CreateWithAMode_TheFileHasThatModeWhetherOrNotItIsTheDefault()
    {
        var backing = _dir.Sub("backing");
        const string Script = """
            import os, stat
            os.umask(0)
            d = os.environ["CRASHLAB_DATA_DIR"]
            for mode in (0o644, 0o600, 0o755, 0o666, 0o400):
                f = os.open(os.path.join(d, f"m{mode:o}"), os.O_CREAT | os.O_EXCL | os.O_RDWR, mode); os.close(f)
                print(f"m{mode:o}", oct(stat.S_IMODE(os.stat(os.path.join(d, f"m{mode:o}")).st_mode)))
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(backing, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        foreach (var mode in new[] { "644", "600", "755", "666", "400" })
        {
            Assert.Contains($"m{mode} 0o{mode}", stdout);
            Assert.Equal(0, CrashLab.Fuse.Kernel.FileStat.TryRead(Path.Combine(backing, $"m{mode}"), out var stat));
            Assert.Equal(Convert.ToUInt32(mode, 8), stat.Mode & 0xFFF);
        }
    }

    [Fact]
    public async Task Execute_CrashPoint_KillsTheBackendAtThatOperation()
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));
        const string Script = """
            import os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            fd = os.open("log", os.O_CREAT | os.O_RDWR)
            for i in range(5):
                os.write(fd, bytes([65 + i]) * 512)
            open("/dev/stderr", "w").write("finished\n")
            """;

        var (exit, _, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, new FaultPlan { Crash = new CrashPoint { AtOp = 4 } }, Script);

        Assert.Equal(137, exit); // the daemon ends as a backend killed by SIGKILL does
        Assert.DoesNotContain("finished", stderr);
        Assert.Equal(3 * 512, new FileInfo(Path.Combine(backing, "log")).Length); // op 1 created, ops 2-4 wrote
        Assert.Equal(4, CrashStateBuilder.Load(backing, trace).ReplayPoint.AtOp);
        Assert.DoesNotContain(MountPoints.Mounted(), m => m.MountPoint == MountPoints.For(backing)); // the daemon outlived the backend and unmounted
    }

    [Fact]
    public async Task Execute_FsyncEio_IsReportedOnceAndTheNextFsyncSucceeds()
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));
        const string Script = """
            import os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            fd = os.open("log", os.O_CREAT | os.O_RDWR)
            os.write(fd, b"a" * 512)
            try:
                os.fdatasync(fd); print("first ok")
            except OSError as e:
                print("first", e.errno)
            os.fdatasync(fd); print("second ok")
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, new FaultPlan { Faults = [new FaultRule { Kind = FaultKind.FsyncEio, Ops = [3] }] }, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("first 5", stdout); // EIO
        Assert.Contains("second ok", stdout);
        Assert.Contains("fsync_eio", File.ReadAllText(Path.Combine(trace, "injected.log")));
    }

    [Fact]
    public async Task Execute_FsyncEio_IsReportedOncePerDescriptorOpenAtTheFailure()
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));
        const string Script = """
            import os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            a = os.open("log", os.O_CREAT | os.O_RDWR)
            b = os.open("log", os.O_RDWR)
            os.write(a, b"a" * 512)
            def sync(fd, name):
                try:
                    os.fsync(fd); print(name, "ok")
                except OSError as e:
                    print(name, e.errno)
            sync(a, "a1"); sync(b, "b1"); sync(b, "b2"); sync(a, "a2")
            c = os.open("log", os.O_RDWR); sync(c, "c1")
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, new FaultPlan { Faults = [new FaultRule { Kind = FaultKind.FsyncEio, Ops = [3] }] }, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(["a1 5", "b1 5", "b2 ok", "a2 ok", "c1 ok"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Execute_StarterKilledOutright_DaemonUnmountsAndTakesTheBackendDown()
    {
        FuseProgram.RequireFuse();
        var backing = _dir.Sub("backing");
        var pidFile = Path.Combine(_dir.Path, "backend.pid");
        var starter = new System.Diagnostics.ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardError = true };
        starter.ArgumentList.Add("-c");
        starter.ArgumentList.Add($"\"{FuseProgram.Daemon}\" run -- python3 -c 'import os,time; open(\"{pidFile}\",\"w\").write(str(os.getpid())); time.sleep(120)' & wait");
        starter.Environment["CRASHLAB_DATA_DIR"] = backing;
        using var shell = System.Diagnostics.Process.Start(starter)!;
        await Until(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Length > 0, "the backend to start");
        var backendPid = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(MountPoints.Mounted(), m => m.MountPoint == MountPoints.For(backing));

        shell.Kill(); // the harness dies without cleaning up

        await Until(() => !MountPoints.Mounted().Any(m => m.MountPoint == MountPoints.For(backing)), "the mount to go");
        await Until(() => !Directory.Exists($"/proc/{backendPid}") || File.ReadAllText($"/proc/{backendPid}/stat").Contains(") Z ", StringComparison.Ordinal), "the backend to die");
    }

    [Fact]
    public async Task Responds_DaemonStopped_IsAWedgeAndContinuedIsNot()
    {
        var backing = _dir.Sub("backing");
        var started = Path.Combine(_dir.Path, "started");
        using var run = FuseProgram.Start(backing, $"import time; open('{started}', 'w').close(); time.sleep(60)");
        await Until(() => File.Exists(started), "the backend to start");
        var mountPoint = MountPoints.For(backing);
        var daemon = MountPoints.Mounted().Single(m => m.MountPoint == mountPoint).DaemonPid;
        try
        {
            Assert.True(MountPoints.Responds(mountPoint, TimeSpan.FromSeconds(5)));

            Assert.Equal(0, Signal(daemon, Sigstop));
            // kill(2) returns before every thread has stopped: it wakes one thread, which tells the
            // others to stop only when it runs, so under load the FUSE server thread could still
            // answer the probe (seen: 3 in 100 probes right after kill, each with a thread not yet T).
            await Until(() => EveryThreadStopped(daemon), "the daemon's threads to stop");

            Assert.False(MountPoints.Responds(mountPoint, TimeSpan.FromSeconds(1)));

            Assert.Equal(0, Signal(daemon, Sigcont));
            Assert.True(MountPoints.Responds(mountPoint, TimeSpan.FromSeconds(5)));
        }
        finally
        {
            _ = Signal(daemon, Sigcont);
            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();
            MountPoints.SweepStale();
        }
    }

    private const int Sigstop = 19, Sigcont = 18;

    /// <summary>/proc/PID/task/TID/stat: "tid (comm) state ..."; T is stopped by a signal.</summary>
    private static bool EveryThreadStopped(int pid) => Directory.EnumerateDirectories($"/proc/{pid}/task").All(task =>
    {
        var stat = File.ReadAllText(Path.Combine(task, "stat"));
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
    });

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Signal(int pid, int signal);

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
