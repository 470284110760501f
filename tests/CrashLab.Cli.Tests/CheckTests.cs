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

    [Fact]
    public async Task Certify_BackendDyingBeforeReady_ShowsItsExitStatusAndStderrTailAndWritesThemToOut()
    {
        var backend = PythonBackend("dies.py", "import sys\nfor i in range(25):\n    print(f'trace line {i}', file=sys.stderr)\nsys.exit(3)\n");

        var result = await Crashlab.RunAsync("certify", "--backend-cmd", backend, "--level", "L1", "--out", Out);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the backend ended before ready: exit status 3", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("│ trace line 5\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("│ trace line 24\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("trace line 4\n", result.Stdout, StringComparison.Ordinal);
        var written = await File.ReadAllTextAsync(Path.Combine(Out, "check.txt"));
        Assert.Contains("exit status 3", written, StringComparison.Ordinal);
        Assert.Contains("│ trace line 24", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BackendKilledBySignalBeforeReady_NamesTheSignal()
    {
        var backend = PythonBackend("killed.py", "import os, sys\nprint('about to die', file=sys.stderr, flush=True)\nos.kill(os.getpid(), 9)\n");

        var result = await Crashlab.RunAsync("check", "--backend-cmd", backend);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the backend ended before ready: killed by signal 9", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith($"check: FAILED: {backend} never became ready, so no other check could run; what it printed instead, and how it ended, are above (the ready line: docs/protocol.md in the CrashLab repository)\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("│ about to die", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SixteenMibAppendRefused_FailsItAndSkipsTheReadThatNeedsIt()
    {
        // The Python example behind a proxy that refuses every line over 1 MiB: the 16 MiB append.
        var proxy = PythonBackend("refuse-large.py", $$"""
            import json, subprocess, sys, threading
            child = subprocess.Popen(["python3", "{{Example}}"], stdin=subprocess.PIPE, stdout=sys.stdout)
            for line in sys.stdin.buffer:
                if len(line) > 1 << 20:
                    print(json.dumps({"id": json.loads(line)["id"], "ok": False, "error": "bad_request", "message": "too big"}), flush=True)
                else:
                    child.stdin.write(line)
                    child.stdin.flush()
            child.stdin.close()
            sys.exit(child.wait())
            """);

        var result = await Crashlab.RunAsync("check", "--backend-cmd", proxy);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  append: a 16 MiB record", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("SKIP  read: the 16 MiB record comes back whole with max_bytes 1: the 16 MiB append above failed", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS  read: the 16 MiB", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 skipped", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AppendsRefused_SkipsEveryCheckThatReadsThemAndExits1()
    {
        var backend = PythonBackend("no-appends.py", """
            import json, sys
            print(json.dumps({"event": "ready", "protocol": 1, "first_lsn": 1, "next_lsn": 1, "corruption": None}), flush=True)
            for line in sys.stdin:
                try:
                    request = json.loads(line)
                except ValueError:
                    request = {}
                rid = request.get("id", 0) if isinstance(request.get("id"), int) else 0
                if request.get("op") == "shutdown":
                    print(json.dumps({"id": rid, "ok": True}), flush=True)
                    break
                print(json.dumps({"id": rid, "ok": False, "error": "io", "message": "no"}), flush=True)
            """);

        var result = await Crashlab.RunAsync("check", "--backend-cmd", backend);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("SKIP  read: from 1 returns LSNs 1..4", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS  read:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS  the backend still answers", result.Stdout, StringComparison.Ordinal);
    }
}
