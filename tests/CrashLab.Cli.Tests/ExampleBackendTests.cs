using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>
/// The example backends over real engines and our own (examples/backends: SQLite, LevelDB, LMDB, a C WAL through
/// io_uring, an mmap WAL, the Python example, run from the repository's layout beside ../common) speak protocol v1,
/// and CrashLab catches the io_uring WAL's classic offset bug at L1 with a case that names it. They need
/// Debian's python3-plyvel, python3-lmdb, liburing-dev and gcc (.ci/run installs them).
/// </summary>
public sealed class ExampleBackendTests : CliTest
{
    private static readonly string Backends = Path.Combine(AppContext.BaseDirectory, "backends");

    public static TheoryData<string> Adapters => new()
    {
        $"/usr/bin/python3 {Backends}/sqlite/sqlite_wal.py",
        $"/usr/bin/python3 {Backends}/sqlite/sqlite_wal.py --synchronous NORMAL",
        $"/usr/bin/python3 {Backends}/leveldb/leveldb_wal.py",
        $"/usr/bin/python3 {Backends}/lmdb/lmdb_wal.py",
        $"bash {Backends}/uring/run.sh",
        $"/usr/bin/python3 {Backends}/mmap/mmap_wal.py",
        $"/usr/bin/python3 {Backends}/python/simple_wal.py",
        $"/usr/bin/python3 {Backends}/mmap/mmap_wal.py --bug no-msync",
    };

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Check_EngineAdapter_PassesEveryCheck(string backend)
    {
        var result = await Crashlab.RunAsync("check", "--backend-cmd", backend);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("FAIL", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("checks passed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_UringWalWithTheOffsetBug_IsCaughtAtL1WithACaseThatNamesTheDamage()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", $"bash {Backends}/uring/run.sh --bug offset",
            "--scenario", "process-kill", "--budget", "3", "--out", Out);

        Assert.True(result.ExitCode == 1, result.Output);
        Assert.Contains("rule 4-durability", result.Stdout, StringComparison.Ordinal);
        var casePath = Assert.Single(Directory.GetFiles(Path.Combine(Out, "cases"), "case-process-kill-*.json"));
        using var caseFile = JsonDocument.Parse(File.ReadAllText(casePath));
        var summary = caseFile.RootElement.GetProperty("summary").GetString()!;
        Assert.True(summary.Contains("were acknowledged durable but are gone (corruption reported at LSN", StringComparison.Ordinal), summary);
        // Where the kill fell decides which the WAL's recovery met first: the last frame written where LSN 1
        // belongs, or the first frame intact and the leftovers of longer ones after it.
        var detail = caseFile.RootElement.GetProperty("ready").GetProperty("corruption_detail").GetString()!;
        Assert.Matches("a later write overwrote the first entry|checksum mismatch in the frame at offset", detail);
    }
}
