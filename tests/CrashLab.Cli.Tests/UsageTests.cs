namespace CrashLab.Cli.Tests;

/// <summary>Every wrong command line gets one plain sentence (no .NET type names), a suggestion where one fits, and exit 2.</summary>
public sealed class UsageTests : CliTest
{
    [Theory]
    [InlineData(new[] { "campaign", "--seed", "abc" }, "crashlab campaign: 'abc' is not a valid value for --seed: expected a whole number")]
    [InlineData(new[] { "campain" }, "unknown command 'campain'; did you mean 'campaign'?")]
    [InlineData(new[] { "campaign", "--budgt", "3" }, "unknown option '--budgt'; did you mean '--budget'?")]
    [InlineData(new[] { "campaign", "--cycles", "3" }, "--cycles is now --budget")]
    [InlineData(new[] { "campaign", "--budget", "3", "--duration", "5s" }, "give --budget (crash states per scenario) or --duration")]
    [InlineData(new[] { "campaign", "--duration", "soon" }, "'soon' is not a duration")]
    [InlineData(new[] { "certify", "--level", "L9" }, "crashlab certify:")]
    [InlineData(new[] { "merge", "/no/such/dir" }, "/no/such/dir does not exist")]
    [InlineData(new[] { "replay", "/no/such/case.json" }, "does not exist")]
    [InlineData(new[] { "campaign", "--backend", "mutant:nosuch" }, "unknown mutant 'nosuch'")]
    [InlineData(new[] { "certify", "--level", "L2", "--profile", "xfs" }, "--profile")]
    [InlineData(new[] { "replay", "/no/such/case.json", "--profile", "ntfs" }, "--profile")]
    [InlineData(new string[0], "a command is needed")]
    public async Task Run_WrongCommandLine_Exits2WithAPlainSentence(string[] arguments, string expected)
    {
        var result = await Crashlab.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "certify", "--level", "L5" }, "'L5' is not a valid value for --level: expected one of L1, L2, L3, L4")]
    [InlineData(new[] { "campaign", "--fs", "fusee" }, "'fusee' is not a valid value for --fs: expected one of auto, fuse, direct")]
    [InlineData(new[] { "prove", "--fuse-cpu", "two" }, "'two' is not a valid value for --fuse-cpu: expected one of one, any")]
    [InlineData(new[] { "certify", "--levle", "L1" }, "unknown option '--levle'; did you mean '--level'?")]
    public async Task Run_WrongValueOrMisspeltOption_NamesTheOptionAndNothingElse(string[] arguments, string expected)
    {
        var result = await Crashlab.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"crashlab {arguments[0]}: {expected}", $"Run 'crashlab {arguments[0]} --help' for usage."], result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("l1")]
    [InlineData("L1")]
    public async Task Certify_LevelInAnyCase_IsAccepted(string level)
    {
        // A program that cannot run gets exit 3 (the machine's failure), which is past the parsing of --level.
        var result = await Crashlab.RunAsync("certify", "--level", level, "--backend-cmd", "/no/such/program", "--out", Out);

        Assert.Equal(3, result.ExitCode);
        Assert.DoesNotContain("--level", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ErrorInASubcommand_PointsAtThatSubcommandsHelp()
    {
        var result = await Crashlab.RunAsync("campaign", "--seed", "-1");

        Assert.Contains("Run 'crashlab campaign --help' for usage.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_AReportInsteadOfACase_SaysWhichFileToGive()
    {
        var report = Path.Combine(Dir, "report.json");
        await File.WriteAllTextAsync(report, """{"schema":"crashlab-report/1","backend":"reference"}""");

        var result = await Crashlab.RunAsync("replay", report);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a campaign report, not a case file", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("campaign", "--budget", "1")]
    [InlineData("certify", "--level", "L1")]
    [InlineData("prove", "--mutants", "none")]
    [InlineData("merge", ".")]
    public async Task Run_OutIsAFile_Exits2BeforeAnyWorkAndSaysSo(params string[] arguments)
    {
        var file = Path.Combine(Dir, "afile");
        await File.WriteAllTextAsync(file, "mine");

        var atFile = await Crashlab.RunAsync([.. arguments, "--out", file]);
        var underFile = await Crashlab.RunAsync([.. arguments, "--out", Path.Combine(file, "sub")]);

        Assert.Equal((2, 2), (atFile.ExitCode, underFile.ExitCode));
        Assert.Equal("", atFile.Stdout + underFile.Stdout);
        Assert.StartsWith($"crashlab {arguments[0]}: --out {file} is a file; give a directory", atFile.Stderr, StringComparison.Ordinal);
        Assert.StartsWith($"crashlab {arguments[0]}: --out {Path.Combine(file, "sub")}: {file} is a file", underFile.Stderr, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Help_AsACommand_ShowsTheSubcommandsHelpWithExamples()
    {
        var result = await Crashlab.RunAsync("help", "campaign");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("crashlab campaign --budget", result.Stdout, StringComparison.Ordinal);
    }
}
