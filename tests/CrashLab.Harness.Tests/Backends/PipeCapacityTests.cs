using CrashLab.Harness.Backends;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>A backend's stdout holds a page of a recovered log, so that writing one never waits on the harness.</summary>
public sealed class PipeCapacityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-pipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Start_Backend_StdoutHoldsAMegabyte()
    {
        await using var backend = await BackendProcess.StartAsync(TestEngine.Small(), new BackendEnvironment(_dir), HarnessTimeouts.Default, CancellationToken.None);

        Assert.True(backend.StdoutCapacity >= PipeCapacity.Wanted, $"stdout holds {backend.StdoutCapacity} bytes");
    }

    [Fact]
    public void Of_StreamThatIsNoPipe_IsMinusOne()
    {
        using var file = File.Create(Path.Combine(_dir, "plain"));

        Assert.Equal(-1, PipeCapacity.Of(file));
    }
}
