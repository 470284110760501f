using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>Failures that used to vanish: each is shown in the backend's (or the OS's) own words, with the documented exit code.</summary>
public sealed class StartupFailureTests : CliTest
{
    [Fact]
    public async Task Campaign_ProgramMissing_Exits3WithTheOsError()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", "/no/such/program", "--out", Out);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("/no/such/program': No such file or directory", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("print('hi')\n", false, "Permission denied")]
    [InlineData("#!/no/such/interpreter\n", true, "No such file or directory")]
    public async Task Campaign_ProgramThatCannotRun_Exits3WithTheOsError(string content, bool executable, string error)
    {
        var script = Path.Combine(Dir, "wal");
        await File.WriteAllTextAsync(script, content);
        if (executable)
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", script, "--out", Out);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(error, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_UnknownMutant_Exits2NamingTheKnownOnes()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend", "mutant:nosuch", "--out", Out);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown mutant 'nosuch'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ack-before-fdatasync", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Out, "report.json")), "a usage error must not run anything");
    }

    [Fact]
    public async Task Campaign_BackendDiesWithATracebackAtStart_Exits1WithItsLastWordsInOutputAndCase()
    {
        var result = await CampaignAsync("dies.py", "def recover():\n    raise RuntimeError('segment 3: bad magic')\nrecover()\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("exit status 1; its stderr ends: \"RuntimeError: segment 3: bad magic\"", result.Stdout, StringComparison.Ordinal);
        var caseFile = Directory.GetFiles(Path.Combine(Out, "cases")).Single();
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(caseFile));
        Assert.Contains("Traceback (most recent call last)", saved.RootElement.GetProperty("stderr").GetString(), StringComparison.Ordinal);

        var replay = await Crashlab.RunAsync("replay", caseFile);

        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("reproduced: rule 6-liveness", replay.Stdout, StringComparison.Ordinal);
        Assert.Contains("RuntimeError: segment 3: bad magic", replay.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_BackendAnswersFatalOnACleanState_Exits1WithItsMessage()
    {
        var result = await CampaignAsync("fatal.py", "import sys\nprint('{\"event\":\"fatal\",\"message\":\"cannot lock the data directory\"}', flush=True)\nsys.exit(1)\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("answered fatal: \"cannot lock the data directory\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("cannot lock the data directory", await File.ReadAllTextAsync(Path.Combine(Out, "report.json")), StringComparison.Ordinal);
    }

}
