using System.Diagnostics;
using CrashLab.Fuse.Mounting;

namespace CrashLab.Fuse.Tests.Mounting;

public sealed class MountPointsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void For_NamesEachBackingDirectoryOnceUnderTheRoot()
    {
        var a = MountPoints.For("/data/chain-1/data");

        Assert.Equal(a, MountPoints.For("/data/chain-1/data/")); // the same directory, however it is written
        Assert.NotEqual(a, MountPoints.For("/data/chain-2/data"));
        Assert.Equal(MountPoints.Root, Path.GetDirectoryName(a));
        Assert.Matches("^[0-9a-f]{16}$", Path.GetFileName(a));
    }

    [Fact]
    public void Prepare_StaleMountThere_UnmountsItAndLeavesTheDirectory()
    {
        var point = _dir.Sub("point");
        Run("mount", "-t", "tmpfs", "crashlab-test", point);
        File.WriteAllText(Path.Combine(point, "on-the-stale-mount"), "x");

        MountPoints.Prepare(point);

        Assert.True(Directory.Exists(point));
        Assert.False(File.Exists(Path.Combine(point, "on-the-stale-mount")));
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), line => line.Split(' ')[4] == point);
    }

    [Fact]
    public void Prepare_NothingThere_MakesTheDirectory()
    {
        var point = Path.Combine(_dir.Path, "new");

        MountPoints.Prepare(point);
        MountPoints.Prepare(point); // and again: nothing to undo

        Assert.True(Directory.Exists(point));
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {stderr}");
    }
}
