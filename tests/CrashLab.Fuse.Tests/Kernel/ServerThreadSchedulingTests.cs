namespace CrashLab.Fuse.Tests.Kernel;

/// <summary>
/// The daemon's thread that answers the kernel runs SCHED_FIFO (priority 1, reset on fork), so a
/// request's wake-up does not wait behind other work; the backend it runs stays in the normal
/// class. Read from inside the backend: its parent is the daemon, whose answering thread is named
/// "fuse". (The suite runs as root, which may raise a thread's class.)
/// </summary>
public sealed class ServerThreadSchedulingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AnsweringThread_RunsRealTime_AndTheBackendDoesNot()
    {
        const string Script = """
            import os
            open(os.path.join(os.environ["CRASHLAB_DATA_DIR"], "touched"), "w").close()  # the answering thread has served a request
            daemon = os.getppid()
            for tid in os.listdir(f"/proc/{daemon}/task"):
                with open(f"/proc/{daemon}/task/{tid}/comm") as comm:
                    if comm.read().strip() == "fuse":
                        print("fuse", os.sched_getscheduler(int(tid)), os.sched_getparam(int(tid)).sched_priority)
            print("backend", os.sched_getscheduler(0))
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(_dir.Sub("backing"), Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        const int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RESET_ON_FORK = 0x40000000;
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"fuse {SCHED_FIFO | SCHED_RESET_ON_FORK} 1", lines);
        Assert.Contains($"backend {SCHED_OTHER}", lines);
    }
}
