using System.Diagnostics;

namespace CrashLab.Cli.Tests.Hostile;

/// <summary>
/// The harness's own disk trouble is the machine's fault (exit 3), said in one line naming the path
/// and the errno; never a finding against the backend, never a stack trace. The file systems are
/// small tmpfs mounts made here (the tests run as root, as FUSE needs).
/// </summary>
public sealed class HarnessDiskFaultTests : CliTest
{
    private static async Task MountTmpfs(string path, string options)
    {
        Directory.CreateDirectory(path);
        using var mount = Process.Start("mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])!;
        await mount.WaitForExitAsync();
        Assert.True(mount.ExitCode == 0, $"could not mount a tmpfs at {path}");
    }

    private static async Task Unmount(string path)
    {
        using var umount = Process.Start("umount", ["-l", path])!;
        await umount.WaitForExitAsync();
    }

    /// <summary>Writes <paramref name="path"/> until the file system is full.</summary>
    private static void Fill(string path)
    {
        using var filler = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                filler.Write(new byte[4096]);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    private static void AssertOneLineNaming(Crashlab.Result result, string path, string errno)
    {
        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(path, StringComparison.Ordinal));
        Assert.Contains(errno, line, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_OutOnAReadOnlyFileSystem_Exits3NamingThePathAndEROFS()
    {
        var readOnly = Path.Combine(Dir, "ro");
        await MountTmpfs(readOnly, "ro,size=1m");
        try
        {
            var result = await Crashlab.RunAsync("campaign", "--budget", "2", "--out", Path.Combine(readOnly, "out"));

            AssertOneLineNaming(result, readOnly, "EROFS");
        }
        finally
        {
            await Unmount(readOnly);
        }
    }

    [Fact]
    public async Task Campaign_OutOnAFullFileSystem_Exits3NamingThePathAndENOSPC()
    {
        var full = Path.Combine(Dir, "full");
        await MountTmpfs(full, "size=64k");
        try
        {
            var outDir = Directory.CreateDirectory(Path.Combine(full, "out")).FullName;
            Fill(Path.Combine(full, "filler"));

            var result = await Crashlab.RunAsync("campaign", "--budget", "2", "--out", outDir);

            AssertOneLineNaming(result, full, "ENOSPC");
        }
        finally
        {
            await Unmount(full);
        }
    }

    [Fact]
    public async Task Campaign_ReportDirectoryDeletedMidRun_Exits3SayingSo()
    {
        await using var crashlab = Crashlab.Start("campaign", "--budget", "100000", "--out", Out);
        Assert.True(await Processes.Until(() => File.Exists(Path.Combine(Out, "report.json")), TimeSpan.FromSeconds(60)), "no report was written");

        // Moved away in one step (a recursive delete would race the run's own writes): the path is gone.
        Directory.Move(Out, Path.Combine(Dir, "gone"));
        var result = await crashlab.WaitAsync(TimeSpan.FromSeconds(60));

        AssertOneLineNaming(result, Out, "ENOENT");
        Assert.Contains("deleted during the run", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_OutHoldingAnEarlierRun_MovesItAsideAndSaysWhere()
    {
        Directory.CreateDirectory(Path.Combine(Out, "cases"));
        await File.WriteAllTextAsync(Path.Combine(Out, "cases", "case-earlier.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(Out, "report.json"), "{\"verdict\":\"fail\"}");
        await File.WriteAllTextAsync(Path.Combine(Out, "notes.txt"), "not CrashLab's");

        var result = await Crashlab.RunAsync("campaign", "--budget", "2", "--out", Out);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"moved them to {Path.Combine(Out, "previous-run")}", result.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Out, "previous-run", "cases", "case-earlier.json")));
        Assert.False(File.Exists(Path.Combine(Out, "cases", "case-earlier.json")));
        Assert.True(File.Exists(Path.Combine(Out, "notes.txt")), "files that are not CrashLab's stay where they are");
    }
}
