using CrashLab.Fuse.Kernel;

namespace CrashLab.Fuse.Tests.Kernel;

/// <summary>
/// The daemon starts the backend itself (posix_spawn) as the leader of a session of its own, with
/// the environment it is given, every standard signal at its default disposition and none blocked
/// (this test process ignores SIGPIPE, as every .NET process does: the backend must not inherit
/// that), and reads its exit status as a shell would.
/// </summary>
public sealed class SessionSpawnTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Start_ProgramRunsAsSessionLeaderWithItsEnvironmentAndDefaultSignals()
    {
        var output = Path.Combine(_dir.Path, "out");
        const string Script = """
            echo "pid $$"; echo "session $(cut -d' ' -f6 /proc/self/stat)"; echo "value $SPAWN_TEST"
            grep -E '^(SigBlk|SigIgn)' /proc/self/status
            """;

        var pid = SessionSpawn.Start(["sh", "-c", "{ " + Script + "; } > " + output], [new("SPAWN_TEST", "given"), new("PATH", "/usr/bin:/bin")]);

        Assert.Equal(0, SessionSpawn.Wait(pid));
        var lines = File.ReadAllLines(output);
        Assert.Contains($"pid {pid}", lines);
        Assert.Contains($"session {pid}", lines);
        Assert.Contains("value given", lines);
        Assert.Equal(0UL, Signals(lines, "SigBlk"));
        Assert.Equal(0UL, Signals(lines, "SigIgn") & StandardSignals); // glibc keeps its own two real-time signals out of reach

    }

    /// <summary>Signals 1 to 31, as bits of /proc/PID/status's masks.</summary>
    private const ulong StandardSignals = 0x7FFF_FFFF;

    private static ulong Signals(string[] status, string field)
        => Convert.ToUInt64(status.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(), 16);

    [Theory]
    [InlineData("exit 7", 7)]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -15 $$", 143)]
    public void Wait_ExitStatusOrSignal_IsWhatAShellReports(string script, int expected)
    {
        var pid = SessionSpawn.Start(["sh", "-c", script], [new("PATH", "/usr/bin:/bin")]);

        Assert.Equal(expected, SessionSpawn.Wait(pid));
    }

    [Fact]
    public void Start_MissingProgram_ThrowsWithTheOsError()
    {
        var error = Assert.Throws<IOException>(() => SessionSpawn.Start(["crashlab-no-such-program"], [new("PATH", "/usr/bin:/bin")]));

        Assert.Contains("No such file", error.Message, StringComparison.Ordinal);
    }
}
