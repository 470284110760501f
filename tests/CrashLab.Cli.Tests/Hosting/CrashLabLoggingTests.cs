using CrashLab.Cli.Hosting;
using Microsoft.Extensions.Logging;

namespace CrashLab.Cli.Tests.Hosting;

public sealed class CrashLabLoggingTests : CliTest
{
    private static readonly Dictionary<string, string> Informative = new() { [CrashLabLogging.LevelVariable] = "information" };

    [Theory]
    [InlineData(null, LogLevel.Warning)]
    [InlineData("", LogLevel.Warning)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("none", LogLevel.None)]
    public void Level_NamedOrUnset_IsThatLevelOrWarning(string? value, LogLevel expected)
    {
        using var errors = new StringWriter();

        Assert.Equal(expected, CrashLabLogging.Level(value, errors));
        Assert.Equal("", errors.ToString());
    }

    [Theory]
    [InlineData("loud")]
    [InlineData("42")]
    public void Level_NotALevel_SaysSoOnceAndLogsWarnings(string value)
    {
        using var errors = new StringWriter();

        Assert.Equal(LogLevel.Warning, CrashLabLogging.Level(value, errors));
        Assert.Equal($"crashlab: CRASHLAB_LOG={value} is not a log level (trace, debug, information, warning, error, none): logging warnings and errors{Environment.NewLine}", errors.ToString());
    }

    [Fact]
    public async Task Campaign_AtInformation_LogsTheRunOnStderrOnly()
    {
        var result = await Crashlab.RunAsync(Informative, "campaign", "--budget", "2", "--out", Out);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("info: CrashLab.Cli.Hosting.CampaignService[0] campaign of reference: 1 scenario(s), 1 worker(s)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("campaign ended: 2 crash states, 0 violation(s), stopped by nothing", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("CampaignService", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_ByDefault_LogsNoInformation()
    {
        var result = await Crashlab.RunAsync("campaign", "--budget", "2", "--out", Out);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("info:", result.Output, StringComparison.Ordinal);
    }
}
