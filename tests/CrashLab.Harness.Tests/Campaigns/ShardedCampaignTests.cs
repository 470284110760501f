using System.Text.Json;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>Sharded campaigns merge into the report of the same campaign run whole; a stopped campaign leaves complete reports.</summary>
public sealed class ShardedCampaignTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-shards-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static BackendSpec Reference => TestEngine.Small();

    private static Scenario Load(string name) => TestEngine.ShortRuns(name, maxRunMs: 50) with { ChainCycles = 2 };

    private CampaignSettings Settings(string dir, Shard shard) =>
        new(Reference, "reference", false, [Load("process-kill"), Load("power-loss-drop-all")], 3, 1, Path.Combine(_out, dir))
        {
            Shard = shard,
            Chains = 4,
            Progress = null,
        };

    [Fact]
    public async Task Merge_OfTwoShards_EqualsTheUnshardedCampaign()
    {
        var whole = await new CampaignRunner(Settings("whole", Shard.Whole)).RunAsync(CancellationToken.None);
        await new CampaignRunner(Settings("s0", new Shard(0, 2))).RunAsync(CancellationToken.None);
        await new CampaignRunner(Settings("s1", new Shard(1, 2))).RunAsync(CancellationToken.None);

        var merged = ReportMerger.Merge([Path.Combine(_out, "s1"), Path.Combine(_out, "s0")], Path.Combine(_out, "merged"));

        foreach (var scenario in new[] { "process-kill", "power-loss-drop-all" })
        {
            var expected = whole.For(scenario).Chains.OrderBy(c => c.Index).Select(c => (c.Index, c.Seed, c.Verdict)).ToList();
            var actual = merged.Tally.For(scenario).Chains.OrderBy(c => c.Index).Select(c => (c.Index, c.Seed, c.Verdict)).ToList();
            Assert.Equal(4, expected.Count);
            Assert.Equal(expected, actual);
        }

        // A black-box chain checks one crash state per cycle, so its count is exact too.
        Assert.Equal(whole.For("process-kill").States, merged.Tally.For("process-kill").States);
        Assert.Equal(whole.Violations, merged.Tally.Violations);
        Assert.Empty(merged.IncompleteShards);
    }

    [Fact]
    public async Task Merge_WithAShardMissingOrTwice_IsRefused()
    {
        await new CampaignRunner(Settings("s0", new Shard(0, 2)) with { Scenarios = [Load("process-kill")], Chains = 1 }).RunAsync(CancellationToken.None);
        var s0 = Path.Combine(_out, "s0");

        var missing = Assert.Throws<FormatException>(() => ReportMerger.Merge([s0], Path.Combine(_out, "m1")));
        Assert.Contains("missing shard(s) 1/2", missing.Message, StringComparison.Ordinal);
        var twice = Assert.Throws<FormatException>(() => ReportMerger.Merge([s0, s0], Path.Combine(_out, "m2")));
        Assert.Contains("appears twice", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoppedGracefully_WritesCompleteReportsOfWhatItFinished()
    {
        using var stop = new CancellationTokenSource();
        var settings = Settings("stopped", Shard.Whole) with { Chains = null, StatesPerScenario = 10_000 };
        var runner = new CampaignRunner(settings);
        var run = runner.RunAsync(CancellationToken.None, stop.Token);
        while (runner.Tally.States < 3 && !run.IsCompleted)
            await Task.Delay(10);
        runner.Tally.StoppedBy = "SIGTERM";
        await stop.CancelAsync();
        var tally = await run;

        var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(settings.OutDir, "report.json"))).RootElement;
        Assert.Equal("stopped", report.GetProperty("status").GetString());
        Assert.Equal("SIGTERM", report.GetProperty("stopped_by").GetString());
        Assert.Equal(tally.States, report.GetProperty("states_checked").GetInt32());
        Assert.True(tally.States >= 3 && tally.States < 10_000, $"{tally.States} states");
        Assert.Equal(0, tally.Violations);
        System.Xml.Linq.XDocument.Parse(await File.ReadAllTextAsync(Path.Combine(settings.OutDir, "junit.xml")));
        Assert.Empty(Directory.GetDirectories(settings.OutDir, "work-*"));
    }
}
