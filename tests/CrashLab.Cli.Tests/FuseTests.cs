using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>Black-box backends on a FUSE mount of the shim: power loss for a program in any language, cases that replay on a mount.</summary>
public sealed class FuseTests : CliTest
{
    /// <summary>A log that writes every record but never fsyncs: a process kill keeps it all (page cache), a power cut keeps nothing.</summary>
    private static readonly string NeverSyncs = FramedLogBackend.Script(
        "never-syncs",
        load: """
            path = os.path.join(d, "log"); data = open(path, "rb").read() if os.path.exists(path) else b""
            """,
        reopen: """
            os.truncate(path, at) if os.path.exists(path) else None
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            """,
        persist: "pass  # to the page cache, never to the disk",
        durableOnAppend: false);

    [Fact]
    public async Task Campaign_NeverSyncingBackendOnFuse_PowerLossFindsTheLostRecordsAndTheCaseReplays()
    {
        var backend = PythonBackend("never_syncs.py", NeverSyncs);

        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", backend, "--scenario", "power-loss-drop-all", "--budget", "40", "--out", Out);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Output}");
        Assert.Contains("rule 4-durability", result.Stdout, StringComparison.Ordinal);
        var caseFile = Directory.GetFiles(Path.Combine(Out, "cases"), "*.json").Single();
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(caseFile)))
        {
            Assert.Equal("fuse", json.RootElement.GetProperty("fs").GetString());
            Assert.True(json.RootElement.GetProperty("white_box").GetProperty("requests")[0].TryGetProperty("at_op", out _));
        }

        var replay = await Crashlab.RunAsync("replay", caseFile);

        Assert.True(replay.ExitCode == 1, $"exit {replay.ExitCode}: {replay.Output}");
        Assert.Contains("reproduced: rule 4-durability", replay.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("one")]
    [InlineData("any")]
    public async Task Campaign_FuseCpu_EveryLifeOnTheMountRunsOnOneCpuOrOnAllAsAsked(string fuseCpu)
    {
        // Each start of the backend writes where it runs from (the mount or the plain directory) and the CPUs it may use, as its first act.
        var log = Path.Combine(Dir, "cpus.log");
        var wrapper = Path.Combine(Dir, "wrapper.sh");
        File.WriteAllText(wrapper, $"""
            case "$CRASHLAB_DATA_DIR" in */crashlab-fuse/*) where=mount ;; *) where=plain ;; esac
            echo "$where $(grep Cpus_allowed_list /proc/self/status | cut -f2)" >> {log}
            exec {PythonBackend("never_syncs.py", NeverSyncs)}
            """);

        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", $"sh {wrapper}", "--scenario", "power-loss-drop-all", "--fs", "fuse", "--fuse-cpu", fuseCpu, "--budget", "5", "--out", Out);

        Assert.True(result.ExitCode is 0 or 1, $"exit {result.ExitCode}: {result.Output}");
        var allowed = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split('\t')[1];
        var mounted = File.ReadLines(log).Where(l => l.StartsWith("mount ", StringComparison.Ordinal)).Select(l => l["mount ".Length..]).ToList();
        Assert.NotEmpty(mounted);
        if (fuseCpu == "one")
            Assert.All(mounted, cpus => Assert.Matches("^[0-9]+$", cpus));
        else
            Assert.All(mounted, cpus => Assert.Equal(allowed, cpus));
    }

    [Fact]
    public async Task Campaign_NeverSyncingBackendProcessKillOnly_Passes()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", PythonBackend("never_syncs.py", NeverSyncs), "--scenario", "process-kill", "--budget", "5", "--out", Out);

        Assert.True(result.ExitCode == 0, $"a process kill keeps the page cache: exit {result.ExitCode}: {result.Output}");
    }

    /// <summary>The mmap example acknowledging before msync: its pages are only in the page cache, which a process kill keeps.</summary>
    private static readonly string MmapNoMsync = $"/usr/bin/python3 {Path.Combine(AppContext.BaseDirectory, "backends", "mmap", "mmap_wal.py")} --bug no-msync";

    [Fact]
    public async Task Campaign_MmapWalAcknowledgingBeforeMsyncProcessKillOnFuse_Passes()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", MmapNoMsync, "--scenario", "process-kill", "--fs", "fuse", "--budget", "5", "--out", Out);

        Assert.True(result.ExitCode == 0, $"a killed process's dirty shared pages outlive it: exit {result.ExitCode}: {result.Output}");
    }

    [Fact]
    public async Task Campaign_MmapWalAcknowledgingBeforeMsyncPowerLoss_LosesAcknowledgedRecords()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", MmapNoMsync, "--scenario", "power-loss-drop-all", "--budget", "20", "--out", Out);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Output}");
        Assert.Contains("rule 4-durability", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_FsNotAChoice_Exits2NamingTheChoices()
    {
        var result = await Crashlab.RunAsync("campaign", "--fs", "nfs", "--out", Out);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("auto", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("fuse", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("direct", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_BlackBoxPowerLossWithFsDirect_Exits2SayingWhy()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", "python3 wal.py", "--scenario", "power-loss-drop-all", "--fs", "direct", "--out", Out);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("needs the CrashLab shim", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--fs auto or fuse", result.Stderr, StringComparison.Ordinal);
    }
}
