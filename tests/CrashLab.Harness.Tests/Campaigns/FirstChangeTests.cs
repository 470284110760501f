using System.Diagnostics;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>The first change to a data directory during a start: what times kills during recovery.</summary>
public sealed class FirstChangeTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-first-change-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AWriteIsSeen_NoLaterThanItHappened()
    {
        File.WriteAllBytes(Path.Combine(_dir, "log.bin"), new byte[100]);
        var clock = Stopwatch.StartNew();
        using var change = FirstChange.Watch(_dir);

        await File.AppendAllTextAsync(Path.Combine(_dir, "log.bin"), "more");
        var seen = await change.Seen.WaitAsync(Generous);

        Assert.InRange(seen, TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(seen, change.At);
    }

    [Fact]
    public async Task AChangeInASubdirectoryIsSeen()
    {
        var segments = Directory.CreateDirectory(Path.Combine(_dir, "segments")).FullName;
        using var change = FirstChange.Watch(_dir);

        File.Delete(Path.Combine(segments, "absent")); // no change: nothing to delete
        File.WriteAllText(Path.Combine(segments, "0001.wal"), "x");

        await change.Seen.WaitAsync(Generous);
        Assert.NotNull(change.At);
    }

    [Fact]
    public void ADirectoryThatCannotBeWatched_SeesNothing()
    {
        using var change = FirstChange.Watch(Path.Combine(_dir, "missing"));

        Assert.Null(change.At);
        Assert.False(change.Seen.IsCompleted);
    }
}
