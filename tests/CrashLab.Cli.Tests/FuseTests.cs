using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>Black-box backends on a FUSE mount of the shim: power loss for a program in any language, cases that replay on a mount.</summary>
public sealed class FuseTests : CliTest
{
    /// <summary>A log that writes every record but never fsyncs: a process kill keeps it all (page cache), a power cut keeps nothing.</summary>
    private const string NeverSyncs = """
        import base64, json, os, struct, sys
        d = os.environ["CRASHLAB_DATA_DIR"]; path = os.path.join(d, "log")
        data = open(path, "rb").read() if os.path.exists(path) else b""
        recs, at = [], 0
        while at + 4 <= len(data):  # frames: [u32 size][batch as JSON]; a short frame is a torn tail
            (n,) = struct.unpack_from("<I", data, at)
            if at + 4 + n > len(data): break
            recs += [base64.b64decode(x) for x in json.loads(data[at + 4:at + 4 + n])]; at += 4 + n
        os.truncate(path, at) if os.path.exists(path) else None
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        def out(o): sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
        out({"event": "ready", "protocol": 1, "backend": "never-syncs", "first_lsn": 1, "next_lsn": len(recs) + 1, "corruption": None})
        for line in sys.stdin:
            r = json.loads(line); i, op = r["id"], r["op"]
            if op == "shutdown": out({"id": i, "ok": True}); break
            if op == "append":
                first = len(recs) + 1; body = json.dumps(r["records"]).encode()
                os.write(fd, struct.pack("<I", len(body)) + body)  # to the page cache, never to the disk
                recs += [base64.b64decode(x) for x in r["records"]]
                o = {"id": i, "ok": True, "first_lsn": first, "last_lsn": len(recs)}
                if r.get("sync"): o["durable_lsn"] = len(recs)
                out(o)
            elif op == "sync": out({"id": i, "ok": True, "durable_lsn": len(recs)})
            elif op == "stat": out({"id": i, "ok": True, "first_lsn": 1, "next_lsn": len(recs) + 1, "durable_lsn": len(recs)})
            elif op == "truncate": out({"id": i, "ok": True, "first_lsn": 1})
            elif op == "read":
                s = r["from_lsn"]; got = [{"lsn": s + k, "data": base64.b64encode(x).decode()} for k, x in enumerate(recs[s - 1:s + 63])]
                out({"id": i, "ok": True, "records": got, "next_lsn": s + len(got)})
        """;

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
