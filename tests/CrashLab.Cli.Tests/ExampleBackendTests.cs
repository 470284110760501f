using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>
/// The example backends over real engines (examples/backends: SQLite, LevelDB, LMDB, a C WAL through io_uring) speak
/// protocol v1, and CrashLab catches the io_uring WAL's classic offset bug at L1 with a case that names it. They need
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
    };

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Check_EngineAdapter_PassesEveryCheck(string backend)
    {
        var result = await Crashlab.RunAsync("check", "--backend-cmd", backend);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("all 27 checks passed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_UringWalWithTheOffsetBug_IsCaughtAtL1WithACaseThatNamesTheOverwrite()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", $"bash {Backends}/uring/run.sh --bug offset",
            "--scenario", "process-kill", "--budget", "3", "--out", Out);

        Assert.True(result.ExitCode == 1, result.Output);
        Assert.Contains("rule 4-durability", result.Stdout, StringComparison.Ordinal);
        var casePath = Assert.Single(Directory.GetFiles(Path.Combine(Out, "cases"), "case-process-kill-*.json"));
        using var caseFile = JsonDocument.Parse(File.ReadAllText(casePath));
        var summary = caseFile.RootElement.GetProperty("summary").GetString()!;
        Assert.Contains("were acknowledged durable but are gone", summary, StringComparison.Ordinal);
        Assert.Contains("corruption reported at LSN 1", summary, StringComparison.Ordinal);
        var detail = caseFile.RootElement.GetProperty("ready").GetProperty("corruption_detail").GetString()!;
        Assert.Contains("a later write overwrote the first entry", detail, StringComparison.Ordinal);
    }
}
