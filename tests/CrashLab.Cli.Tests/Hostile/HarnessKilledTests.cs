using System.Text.Json;
using CrashLab.Fuse.Mounting;

namespace CrashLab.Cli.Tests.Hostile;

/// <summary>
/// Nothing outlives a harness killed with SIGKILL (which runs none of its clean-up): each backend's
/// group dies with it, and a FUSE mount left by a daemon that died is released once the next
/// command has started. Backends here run from this test's own directory, to be found by it.
/// </summary>
public sealed class HarnessKilledTests : CliTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>hostile.py copied into this test's directory: every process of its backends names the directory.</summary>
    private string Backend(string mode)
    {
        foreach (var file in new[] { "hostile.py", "simple_wal.py", "protocol_v1.py", "wal_files.py" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Fakes", file), Path.Combine(Dir, file), overwrite: true);
        return $"python3 {Path.Combine(Dir, "hostile.py")} {mode}";
    }

    private async Task SigkillOnceABackendRuns(Crashlab.Running crashlab)
    {
        Assert.True(await Processes.Until(() => Processes.With(Path.Combine(Dir, "hostile.py"), except: crashlab.Pid).Count > 0, Bound), "no backend started");
        await crashlab.SignalAsync("KILL");
        await crashlab.WaitAsync(Bound);
    }

    private async Task AssertNothingLeft(int harness)
        => Assert.True(await Processes.Until(() => Processes.With(Dir, except: harness).Count == 0, TimeSpan.FromSeconds(10)),
            $"left running after the harness was killed: {string.Join(", ", Processes.With(Dir, except: harness))}");

    [Fact]
    public async Task Campaign_HarnessSigkilledMidCampaign_LeavesNoBackendProcess()
    {
        await using var crashlab = Crashlab.Start("campaign", "--backend-cmd", Backend("ignore-sigterm"), "--budget", "1000", "--out", Out);

        await SigkillOnceABackendRuns(crashlab);

        await AssertNothingLeft(crashlab.Pid);
    }

    [Fact]
    public async Task Check_HarnessSigkilledMidCheck_LeavesNoProcess()
    {
        await using var crashlab = Crashlab.Start("check", "--backend-cmd", Backend("silent"));

        await SigkillOnceABackendRuns(crashlab);

        await AssertNothingLeft(crashlab.Pid);
    }

    [Fact]
    public async Task FuseCampaign_HarnessSigkilled_LeavesNoProcessAndNoMountOnceTheNextCommandStarted()
    {
        await using var crashlab = Crashlab.Start("campaign", "--fs", "fuse", "--backend-cmd", Backend("ignore-sigterm"), "--budget", "1000", "--out", Out);
        Assert.True(await Processes.Until(() => MountPoints.Mounted().Any(m => Processes.With(Dir, except: crashlab.Pid).Contains(m.DaemonPid)), Bound), "no FUSE mount came up");
        var daemons = Processes.With(Dir, except: crashlab.Pid);

        await crashlab.SignalAsync("KILL");
        await crashlab.WaitAsync(Bound);
        await AssertNothingLeft(crashlab.Pid);
        var next = await Crashlab.RunAsync("scenarios");

        Assert.Equal(0, next.ExitCode);
        Assert.DoesNotContain(MountPoints.Mounted(), m => daemons.Contains(m.DaemonPid));
    }

    [Fact]
    public async Task Certify_SigtermOnceABackendRuns_ReportsStoppedEverywhereAndNeverPasses()
    {
        await using var crashlab = Crashlab.Start("certify", "--backend-cmd", Backend("ignore-sigterm"), "--level", "L1", "--budget", "20", "--out", Out);
        // Signalled once a backend runs: the harness is past its start-up (before it has a handler, SIGTERM's
        // default action ends it with no report, which was this test's failure on a loaded machine). Where the
        // signal then lands (the check's backend or a campaign's) does not matter: each must say stopped.
        Assert.True(await Processes.Until(() => Processes.With(Path.Combine(Dir, "hostile.py"), except: crashlab.Pid).Count > 0, Bound), "no backend started");

        await crashlab.SignalAsync("TERM");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await crashlab.WaitAsync(Bound);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Equal(143, result.ExitCode);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "report.json")));
        Assert.Equal("stopped", report.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("stopped", report.RootElement.GetProperty("status").GetString());
        Assert.Contains("<error type=\"stopped\"", await File.ReadAllTextAsync(Path.Combine(Out, "junit.xml")), StringComparison.Ordinal);
        Assert.Contains("CrashLab: <span class=\"warn\">stopped</span>", await File.ReadAllTextAsync(Path.Combine(Out, "report.html")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Out, "certificate.json")), "no certificate for a stopped run");
        await AssertNothingLeft(crashlab.Pid);
    }

    /// <summary>SIGTERM once a silent backend runs (its timeout is the default 30 s): the run must end within 10 s of it.</summary>
    private async Task<Crashlab.Result> SigtermWhileTheBackendHangs(params string[] arguments)
    {
        await using var crashlab = Crashlab.Start(arguments);
        Assert.True(await Processes.Until(() => Processes.With(Path.Combine(Dir, "hostile.py"), except: crashlab.Pid).Count > 0, Bound), "no backend started");

        await crashlab.SignalAsync("TERM");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await crashlab.WaitAsync(Bound);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Equal(143, result.ExitCode);
        return result;
    }

    [Fact]
    public async Task Campaign_SigtermWhileTheBackendHangs_EndsWithinTenSecondsWithoutWaitingForTheTimeout()
    {
        var result = await SigtermWhileTheBackendHangs("campaign", "--backend-cmd", Backend("silent"), "--budget", "1000", "--out", Out);

        Assert.Contains("stopped early by SIGTERM", result.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "report.json")));
        Assert.Equal("stopped", report.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Check_SigtermWhileTheBackendHangs_Exits143WithinTenSeconds()
    {
        var result = await SigtermWhileTheBackendHangs("check", "--backend-cmd", Backend("silent"));

        Assert.Contains("check: stopped by SIGTERM", result.Stdout, StringComparison.Ordinal);
    }
}
