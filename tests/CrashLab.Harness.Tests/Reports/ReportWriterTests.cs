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

    private static (CampaignSettings, CampaignTally) Campaign()
    {
        var spec = new BackendSpec("fake", "/bin/true", [], WhiteBox: false);
        var settings = new CampaignSettings(spec, "fake", true, [Catalog.Select("process-kill")[0]], 1, 1, Path.GetTempPath()) { Progress = null };
        return (settings, new CampaignTally());
    }
}
