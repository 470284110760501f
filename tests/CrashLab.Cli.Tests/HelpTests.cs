namespace CrashLab.Cli.Tests;

/// <summary>Every command explains itself.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("campaign")]
    [InlineData("certify")]
    [InlineData("check")]
    [InlineData("crash-state")]
    [InlineData("replay")]
    [InlineData("shrink")]
    [InlineData("mutants")]
    [InlineData("scenarios")]
    [InlineData("prove")]
    [InlineData("merge")]
    public async Task Help_EveryCommand_Exits0WithUsage(string command)
    {
        var result = await Crashlab.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownFlag_Exits2WithoutAStackTrace()
    {
        var result = await Crashlab.RunAsync("campaign", "--no-such-flag");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-flag", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }
}
