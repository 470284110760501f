using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Fuse.Tests.Mounting;

/// <summary>
/// The fence keeps what a process crash keeps: the backend dies, the daemon lives on until the
/// kernel has written back the dead process's dirty shared pages, and those writes (recorded
/// after the kill) are in the keep-all state and in no power-loss state.
/// </summary>
public sealed class FuseRunFenceTests : IDisposable
{
    private const int Size = 64 * 1024;
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A durable, zero-filled 64 KiB file, then every byte of it written through a mapping.</summary>
    private static string Writer(string mapping, bool msync, string then) => $"""
        import mmap, os, sys, time
        os.chdir(os.environ["CRASHLAB_DATA_DIR"])
        fd = os.open("data", os.O_CREAT | os.O_RDWR)
        os.ftruncate(fd, {Size}); os.fsync(fd)
        d = os.open(".", os.O_RDONLY); os.fsync(d)
        m = mmap.mmap(fd, {Size}, mmap.{mapping})
        m[:] = b"Z" * {Size}
        {(msync ? "m.flush()" : "pass")}
        {then}
        """;

    private const string WaitForTheKill = """print("written", flush=True); time.sleep(60)""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TimedKill_SharedMapping_KeepAllHoldsEveryByteAndPowerLossOnlyWhatMsyncMadeDurable(bool msync)
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));

        await KilledByTheHarnessAsync(backing, trace, Writer("MAP_SHARED", msync, WaitForTheKill));

        var builder = CrashStateBuilder.Load(backing, trace);
        Assert.Equal(Fill('Z'), Data(builder, CrashMode.KeepAll));
        Assert.Equal(msync ? Fill('Z') : Fill('\0'), Data(builder, CrashMode.DropAll));
        // Without msync the pages reached the daemon only as the dead process's mappings closed.
        Assert.Equal(!msync, builder.AfterKillOperations.Count > 0);
    }

    [Fact]
    public async Task CrashPoint_SharedMappingWithoutMsync_KeepAllHoldsEveryByteDropAllNone()
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));
        File.WriteAllText(Path.Combine(backing, "trigger"), "-");
        var script = Writer("MAP_SHARED", msync: false, """os.pwrite(os.open("trigger", os.O_RDWR), b"X", 0); print("not killed")""");

        // Ops: 1 create, 2 set-length, 3 fsync, 4 fsync-dir, 5 the trigger's write: the crash point.
        var (exit, stdout, stderr) = await FuseProgram.RunUnderPlanAsync(backing, trace, new FaultPlan { Crash = new CrashPoint { AtOp = 5 } }, script);

        Assert.True(exit == 137, $"exit {exit}: {stderr}");
        Assert.DoesNotContain("not killed", stdout);
        var builder = CrashStateBuilder.Load(backing, trace);
        Assert.Equal(5, builder.ReplayPoint.AtOp);
        Assert.Equal(Fill('Z'), Data(builder, CrashMode.KeepAll));
        foreach (var mode in CrashModes.PowerLoss)
        {
            for (var seed = 1UL; seed <= 4; seed++)
                Assert.Equal(Fill('\0'), Data(builder, mode, seed));
        }

        Assert.All(builder.AfterKillOperations, op => Assert.True(op > 5));
        Assert.Contains(builder.Explain(CrashMode.KeepAll, 1), fate => fate.Detail == "arrived after the kill");
    }

    [Fact]
    public async Task TimedKill_PrivateMapping_IsNeverWrittenBack()
    {
        var (backing, trace) = (_dir.Sub("backing"), _dir.Sub("trace"));

        await KilledByTheHarnessAsync(backing, trace, Writer("MAP_PRIVATE", msync: true, WaitForTheKill));

        var builder = CrashStateBuilder.Load(backing, trace);
        Assert.Equal(Fill('\0'), Data(builder, CrashMode.KeepAll));
        Assert.Empty(builder.AfterKillOperations);
    }

    /// <summary>Runs the script on the shim with a trace and stops it as the harness's timed kill does: SIGTERM to the daemon.</summary>
    private async Task KilledByTheHarnessAsync(string backing, string trace, string script)
    {
        var planFile = Path.Combine(_dir.Path, "plan.json");
        File.WriteAllText(planFile, FaultPlan.None.ToJson());
        using var daemon = FuseProgram.Start(backing, script, new Dictionary<string, string> { ["CRASHLAB_FAULT_PLAN"] = planFile, ["CRASHLAB_TRACE_DIR"] = trace });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            Assert.Equal("written", await daemon.StandardOutput.ReadLineAsync(timeout.Token));
            Assert.Equal(0, Signal(daemon.Id, Sigterm));
            await daemon.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!daemon.HasExited)
                daemon.Kill(entireProcessTree: true);
        }

        Assert.True(daemon.ExitCode == 137, $"exit {daemon.ExitCode}: {await daemon.StandardError.ReadToEndAsync()}");
    }

    private static byte[] Data(CrashStateBuilder builder, CrashMode mode, ulong seed = 1)
        => builder.Compose(mode, seed).Files().Single(file => file.Path == "data").Content;

    private static byte[] Fill(char c) => Enumerable.Repeat((byte)c, Size).ToArray();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Signal(int pid, int signal);
}
