using System.Diagnostics;
using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>A certificate says what it rests on; a level a backend cannot reach is refused before anything runs.</summary>
public sealed class CertifyTests : CliTest
{
    [Theory]
    [InlineData("L2")]
    [InlineData("L4")]
    public async Task Certify_BlackBoxAboveL1WithFsDirect_Exits2BeforeRunningAnything(string level)
    {
        var clock = Stopwatch.StartNew();

        var result = await Crashlab.RunAsync("certify", "--backend-cmd", "python3 wal.py", "--level", level, "--fs", "direct", "--out", Dir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"a black-box backend can be certified at L1 at most: {level} needs", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dir, "report.json")));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Certify_ReferenceEngine_CertificateNamesWhatItRestsOn()
    {
        var result = await Crashlab.RunAsync("certify", "--level", "L1", "--budget", "14", "--out", Dir);

        Assert.True(result.ExitCode is 0 or 4, $"exit {result.ExitCode}: {result.Output}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Dir, "certificate.json")));
        var certificate = json.RootElement;
        Assert.Matches(@"^\d+\.\d+\.\d+", certificate.GetProperty("crash_lab_version").GetString());
        Assert.NotEmpty(certificate.GetProperty("crash_lab_commit").GetString()!);
        Assert.StartsWith("crashlab-reference/", certificate.GetProperty("backend_reported").GetString(), StringComparison.Ordinal);
        Assert.Equal(1UL, certificate.GetProperty("seed").GetUInt64());
        Assert.True(certificate.GetProperty("verdict").GetString() is "certified" or "inconclusive");
        var level = certificate.GetProperty("levels")[0];
        Assert.Equal(14, level.GetProperty("budget").GetInt32());
        Assert.True(level.GetProperty("states_checked").GetInt32() >= 14);
        Assert.True(level.TryGetProperty("states_at_risk", out _));
        Assert.True(level.TryGetProperty("kills_before_ready", out _));
        Assert.Contains("verdict: ", result.Stdout, StringComparison.Ordinal);

        // Every level is judged under each persistence profile; a process crash counts for both.
        Assert.Equal(["posix", "ext4-ordered"], certificate.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        var profiles = level.GetProperty("profiles").EnumerateArray().ToList();
        Assert.Equal(["posix", "ext4-ordered"], profiles.Select(p => p.GetProperty("profile").GetString()));
        Assert.All(profiles, p => Assert.Equal(level.GetProperty("states_checked").GetInt32(), p.GetProperty("states_checked").GetInt32()));
        Assert.Contains("L1: posix ", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScenarioStoppedAtItsViolation_NamesKeepGoingWithTheCommandThatHasIt()
    {
        // The sentence is certify's too (the tutorial shows it), and certify has no --keep-going.
        var help = await Crashlab.RunAsync("certify", "--help");
        var result = await Crashlab.RunAsync("campaign", "--backend", "mutant:write-offset-wrong", "--budget", "5", "--out", Dir);

        Assert.DoesNotContain("--keep-going", help.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has a violation (crashlab campaign --keep-going checks on)", result.Stdout, StringComparison.Ordinal);
    }
}
