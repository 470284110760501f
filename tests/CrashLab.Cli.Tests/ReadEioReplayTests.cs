using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>
/// A case whose failure came from a read EIO injected through FUSE replays: the case names the
/// reads that failed by file, byte and occurrence, which the kernel's page cache and readahead do
/// not renumber, where a read's number did not survive the replay.
/// </summary>
public sealed class ReadEioReplayTests : CliTest
{
    /// <summary>
    /// A log with a small meta file: a meta file it cannot read is taken for a new directory and the
    /// log is started over (the bug); a log it cannot read makes it refuse to start (honest).
    /// </summary>
    private static readonly string MisreadsMeta = FramedLogBackend.Script(
        "misreads-meta",
        load: """
            path = os.path.join(d, "log"); meta = os.path.join(d, "meta")
            if not os.path.exists(meta):
                with open(meta, "wb") as f: f.write(b"misreads-meta 1\n" * 200); f.flush(); os.fsync(f.fileno())
            try:
                open(meta, "rb").read(); fresh = False
            except OSError:
                fresh = True
            try:
                data = b"" if fresh or not os.path.exists(path) else open(path, "rb").read()
            except OSError as e:
                sys.stderr.write(f"cannot read the log: {e}\n"); sys.exit(1)
            """,
        reopen: """
            fd = os.open(path, os.O_WRONLY | os.O_CREAT)
            os.ftruncate(fd, at); os.fsync(fd); os.lseek(fd, at, 0)
            """,
        persist: "os.fsync(fd)",
        durableOnAppend: true);

    [Fact]
    public async Task Campaign_ReadEioThroughFuse_EveryCaseReplaysTheReadsThatFailed()
    {
        var backend = PythonBackend("misreads_meta.py", MisreadsMeta);

        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", backend, "--scenario", "read-eio-recovery", "--seed", "1", "--out", Out);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Output}");
        var cases = Directory.GetFiles(Path.Combine(Out, "cases"), "*.json");
        Assert.NotEmpty(cases);
        foreach (var caseFile in cases)
        {
            var replay = await Crashlab.RunAsync("replay", caseFile);

            Assert.True(replay.ExitCode == 1, $"{Path.GetFileName(caseFile)}: exit {replay.ExitCode}: {replay.Output}");
            Assert.Contains("reproduced: rule 4-durability", replay.Stdout, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(caseFile));
            var faults = json.RootElement.GetProperty("white_box").GetProperty("recovery_plan").GetProperty("faults");
            Assert.All(faults.EnumerateArray(), rule => Assert.True(rule.GetProperty("one_in").GetInt32() == 0 && rule.GetProperty("reads").GetArrayLength() > 0, $"not a targeted rule: {rule}"));
        }
    }

    /// <summary>
    /// Shrinking a case that names the reads that failed keeps them named: every smaller candidate
    /// replays with the same targeted reads, and the case it writes still fails the same way. The
    /// campaign's kills are timed, so which cases it saves varies; the largest is shrunk (one run
    /// here went from 32 requests to none).
    /// </summary>
    [Fact]
    public async Task Shrink_CaseOfTargetedReadEioThroughFuse_WritesACaseNoLargerThatStillFailsAndReplays()
    {
        var backend = PythonBackend("misreads_meta.py", MisreadsMeta);
        var campaign = await Crashlab.RunAsync("campaign", "--backend-cmd", backend, "--scenario", "read-eio-recovery", "--seed", "1", "--out", Out);
        Assert.True(campaign.ExitCode == 1, $"exit {campaign.ExitCode}: {campaign.Output}");
        var caseFile = Directory.GetFiles(Path.Combine(Out, "cases"), "*.json").MaxBy(RequestsIn)!;
        var minimal = Path.Combine(Out, "minimal.json");

        var shrink = await Crashlab.RunAsync("shrink", caseFile, "--out", minimal, "--attempts", "20");

        Assert.True(shrink.ExitCode == 1, $"exit {shrink.ExitCode}: {shrink.Output}");
        Assert.Contains("still fails: rule 4-durability", shrink.Stdout, StringComparison.Ordinal);
        var replay = await Crashlab.RunAsync("replay", minimal);
        Assert.True(replay.ExitCode == 1, $"exit {replay.ExitCode}: {replay.Output}");
        Assert.Contains("reproduced: rule 4-durability", replay.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(minimal));
        var faults = json.RootElement.GetProperty("white_box").GetProperty("recovery_plan").GetProperty("faults");
        Assert.All(faults.EnumerateArray(), rule => Assert.True(rule.GetProperty("reads").GetArrayLength() > 0, $"not a targeted rule: {rule}"));
        Assert.True(RequestsIn(minimal) <= RequestsIn(caseFile), $"{RequestsIn(caseFile)} requests -> {RequestsIn(minimal)}: {shrink.Stdout}");
    }

    private static int RequestsIn(string caseFile)
    {
        using var saved = JsonDocument.Parse(File.ReadAllText(caseFile));
        return saved.RootElement.GetProperty("white_box").GetProperty("requests").GetArrayLength();
    }
}
