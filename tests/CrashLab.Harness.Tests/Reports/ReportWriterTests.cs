using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>What the reports say about a backend that refused to start: its own words, never lost.</summary>
public sealed class ReportWriterTests
{
    private static readonly ScenarioCatalog Catalog = TestEngine.Catalog;

    [Fact]
    public void Summary_HonestFatalStart_ShowsTheBackendsMessage()
    {
        var (settings, tally) = Campaign();
        tally.For("process-kill").FatalStart("the backend answered fatal: \"segment 2 is unreadable\"");

        var summary = ReportWriter.Summary(settings, tally);

        Assert.Contains("1 chain(s) ended by an honest refusal to start", summary, StringComparison.Ordinal);
        Assert.Contains("segment 2 is unreadable", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_HonestFatalStart_KeepsTheLastMessageBounded()
    {
        var (settings, tally) = Campaign();
        tally.For("process-kill").FatalStart(new string('m', 100_000));

        var scenario = ReportWriter.Json(settings, tally)["scenarios"]![0]!;

        Assert.InRange(scenario["last_fatal"]!.GetValue<string>().Length, 1000, 1100);
    }

    [Fact]
    public void Json_Always_NamesTheCrashLabBuildAndWhatTheBackendCalledItself()
    {
        var (settings, tally) = Campaign();
        tally.For("process-kill").SawReady("my-wal/1.2");

        var report = ReportWriter.Json(settings, tally);

        Assert.Equal("my-wal/1.2", report["backend_reported"]!.GetValue<string>());
        Assert.Equal(BuildInfo.Version, report["crashlab_version"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(report["crashlab_commit"]!.GetValue<string>()));
    }

    [Fact]
    public void Reports_AViolationWithAHeadline_SayTheSameSentenceInTheTerminalJsonAndJunit()
    {
        var (settings, tally) = Campaign();
        const string Headline = "Op 5, a write to log.bin at offset 0, failed with ENOSPC (no space left) and wrote nothing; after recovery: LSN 3 is gone (rule 4-durability).";
        tally.For("process-kill").Violation(new ViolationRecord("process-kill", 1, 2, "power-loss", new Harness.Oracle.Violation("4-durability", "LSN 3 is gone"), "case.json") { Summary = Headline });

        Assert.Contains($"    {Headline}\n", ReportWriter.Summary(settings, tally), StringComparison.Ordinal);
        Assert.Equal(Headline, ReportWriter.Json(settings, tally)["scenarios"]![0]!["violations"]![0]!["summary"]!.GetValue<string>());
        Assert.Contains($"message=\"{Headline}\"", ReportWriter.JUnit(settings, tally), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_BudgetNotReached_SaysHowManyStatesAndWhy()
    {
        var (settings, tally) = Campaign();
        var scenario = tally.For("process-kill");
        scenario.StateChecked(durableDataAtRisk: true);
        scenario.DuplicatesSkipped(3);
        (scenario.Budget, scenario.ShortBecause) = (8, "a scenario stops at its first violation (--keep-going checks on)");

        var summary = ReportWriter.Summary(settings, tally);

        Assert.Contains("crash states      1 of 8", summary, StringComparison.Ordinal);
        Assert.Contains("3 duplicate(s) skipped", summary, StringComparison.Ordinal);
        Assert.Contains("7 of its 8 crash states not reached: a scenario stops at its first violation", summary, StringComparison.Ordinal);
        Assert.Contains("total: 1 crash states checked of a budget of 8 (7 not reached", summary, StringComparison.Ordinal);
    }

    private static (CampaignSettings, CampaignTally) Campaign()
    {
        var spec = new BackendSpec("fake", "/bin/true", [], WhiteBox: false);
        var settings = new CampaignSettings(spec, "fake", true, [Catalog.Select("process-kill")[0]], 1, 1, Path.GetTempPath()) { Progress = null };
        return (settings, new CampaignTally());
    }
}
