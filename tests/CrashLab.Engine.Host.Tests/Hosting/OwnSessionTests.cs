using CrashLab.Testing;

namespace CrashLab.Engine.Host.Tests.Hosting;

/// <summary>
/// The engine leads a session and process group of its own when the harness asks
/// (CRASHLAB_OWN_SESSION=1), so the harness starts it with no setsid exec before it and its kill
/// (a SIGKILL to the group) still reaches it; unasked, it stays in its parent's.
/// </summary>
public sealed class OwnSessionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crashlab-session-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Engine_AskedForItsOwnSession_LeadsItsGroupAndSession()
    {
        using var engine = await EngineProcessTests.EngineChild.StartAsync(_dir, ("CRASHLAB_OWN_SESSION", "1"));

        Assert.Equal((engine.Pid, engine.Pid), ProcStat.GroupAndSession(engine.Pid));
    }

    [Fact]
    public async Task Engine_NotAsked_StaysInItsParentsGroup()
    {
        using var engine = await EngineProcessTests.EngineChild.StartAsync(_dir);

        Assert.Equal(ProcStat.GroupAndSession(Environment.ProcessId), ProcStat.GroupAndSession(engine.Pid));
    }
}
