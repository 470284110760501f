namespace CrashLab.Cli.Tests;

/// <summary>crashlab check tells a backend author, line by line, what their protocol implementation gets wrong.</summary>
public sealed class CheckTests : CliTest
{
    private static readonly string Example = Path.Combine(AppContext.BaseDirectory, "examples", "simple_wal.py");

    [Fact]
    public async Task Check_PythonExample_PassesEveryCheck()
    {
        var result = await Crashlab.RunAsync("check", "--backend-cmd", $"python3 {Example}");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("FAIL", result.Stdout, StringComparison.Ordinal);
        Assert.True(result.Stdout.Split('\n').Count(l => l.StartsWith("PASS", StringComparison.Ordinal)) >= 25, result.Stdout);
    }

    [Fact]
    public async Task Check_ReadIgnoringTheAtLeastOneRecordRule_FailsWithTheLineItReceived()
    {
        var result = await Crashlab.RunAsync("check", "--backend-cmd", $"python3 {Example} --bug max-bytes-strict");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  read: max_bytes 1 still returns the first record whole (at least one record): expected exactly record 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("received: {\"id\":", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BackendWithMisspelledFields_NamesTheMissingField()
    {
        var backend = PythonBackend("misspelled.py", """
            import json, sys
            print(json.dumps({"event": "ready", "protocol": 1, "first_lsn": 1, "next_lsn": 1, "corruption": None}), flush=True)
            for line in sys.stdin:
                request = json.loads(line)
                print(json.dumps({"id": request.get("id", 0), "ok": True, "firstLsn": 1, "lastLsn": 1}), flush=True)
            """);

        var result = await Crashlab.RunAsync("check", "--backend-cmd", backend);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("lacks the field \"first_lsn\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certify_BackendThatDoesNotSpeakTheProtocol_StopsWithTheCheckReportBeforeAnyCrash()
    {
        var result = await Crashlab.RunAsync("certify", "--backend-cmd", $"python3 {Example} --bug max-bytes-strict", "--level", "L1", "--out", Out);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  read: max_bytes 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("stopped before any crash test", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Out, "report.json")));
    }
}
