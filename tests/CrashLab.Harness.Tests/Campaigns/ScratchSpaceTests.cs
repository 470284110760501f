using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>Work directories: named for the campaign's process, and swept only once that process is gone.</summary>
public sealed class ScratchSpaceTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-scratch-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void NewWorkDirectory_NamesThisProcess()
        => Assert.Contains($"work-{Environment.ProcessId}-", Path.GetFileName(ScratchSpace.NewWorkDirectory(_out)), StringComparison.Ordinal);

    [Fact]
    public void RemoveAbandoned_DeletesTheWorkOfDeadProcessesOnly()
    {
        var dead = Directory.CreateDirectory(Path.Combine(_out, $"work-{int.MaxValue}-1f")).FullName;
        var live = Directory.CreateDirectory(Path.Combine(_out, $"work-{Environment.ProcessId}-2f")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(_out, "cases")).FullName;

        ScratchSpace.RemoveAbandoned(_out);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
    }
}
