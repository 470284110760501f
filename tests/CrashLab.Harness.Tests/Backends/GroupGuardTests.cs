using CrashLab.Harness.Backends;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>
/// How each backend is started so that it dies with the harness: any program under the shell
/// guard (it may fork), the reference engine in a group of its own with no guard, told the
/// harness's pid so that it arms its own parent-death signal (the engine's tests show it dies).
/// </summary>
public sealed class GroupGuardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-guard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Start_ReferenceEngine_LeadsItsOwnGroupWithoutAGuardAndNamesTheHarness()
    {
        await using var backend = await BackendProcess.StartAsync(TestEngine.Small(), new BackendEnvironment(_dir), HarnessTimeouts.Default, CancellationToken.None);

        var (group, session) = ProcStat.GroupAndSession(backend.Pid);
        Assert.Equal(backend.Pid, group);
        Assert.Equal(backend.Pid, session);
        Assert.Equal(TestEngine.Executable, CommandLine(backend.Pid)[0]);
        Assert.Contains($"CRASHLAB_PARENT_PID={Environment.ProcessId}", EnvironmentOf(backend.Pid));
    }

    [Fact]
    public void Wrap_ReferenceEngine_ExecsTheEngineItselfAndAsksItForItsOwnSession()
    {
        var start = new System.Diagnostics.ProcessStartInfo(TestEngine.Executable, ["--segment-bytes", "64KiB"]);

        GroupGuard.Wrap(start, GroupGuard.Guard.DiesWithParent);

        // No /usr/bin/setsid before it: one exec per crash state instead of two.
        Assert.Equal(TestEngine.Executable, start.FileName);
        Assert.Equal(["--segment-bytes", "64KiB"], start.ArgumentList);
        Assert.Equal("1", start.Environment["CRASHLAB_OWN_SESSION"]);
    }

    [Fact]
    public async Task Start_AnyOtherProgram_RunsUnderTheShellGuardWithoutTheParentVariable()
    {
        var spec = new BackendSpec("fake", "/bin/bash", [Path.Combine(AppContext.BaseDirectory, "Fakes", "fake.sh"), "hang"], WhiteBox: false);
        await using var backend = await BackendProcess.StartAsync(spec, new BackendEnvironment(_dir), HarnessTimeouts.Default, CancellationToken.None);

        // The pid the harness holds is the guard's: it leads the group its backend (and whatever that forks) runs in.
        Assert.Contains("crashlab-guard", CommandLine(backend.Pid));
        Assert.Equal(backend.Pid, ProcStat.GroupAndSession(backend.Pid).Group);
        Assert.DoesNotContain(EnvironmentOf(backend.Pid), v => v.StartsWith("CRASHLAB_PARENT_PID=", StringComparison.Ordinal));
    }

    private static string[] CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0');

    private static string[] EnvironmentOf(int pid) => File.ReadAllText($"/proc/{pid}/environ").TrimEnd('\0').Split('\0');
}
