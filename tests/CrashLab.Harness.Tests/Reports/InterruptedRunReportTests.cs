using System.Xml.Linq;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>An interrupted run never reads as a pass: report.json, junit.xml and report.html all say what happened.</summary>
public sealed class InterruptedRunReportTests
{
    private static readonly ScenarioCatalog Catalog = TestEngine.Catalog;

    private static (CampaignSettings Settings, CampaignTally Tally) TwoScenariosFirstOneStarted()
    {
        var spec = new BackendSpec("fake", "/bin/true", [], WhiteBox: false);
        var settings = new CampaignSettings(spec, "fake", true, Catalog.Select("process-kill,kill-during-truncation"), 1, 1, Path.GetTempPath()) { Progress = null };
        var tally = new CampaignTally();
        tally.For("process-kill").Cycle();
        tally.For("process-kill").StateChecked(durableDataAtRisk: false);
        return (settings, tally);
    }

    [Fact]
    public void Reports_StoppedBySignal_SayStoppedEverywhereAndListTheScenarioNotRunAsSkipped()
    {
        var (settings, tally) = TwoScenariosFirstOneStarted();
        tally.StoppedBy = "SIGTERM";
        tally.Finished = true;

        var json = ReportWriter.Json(settings, tally);
        var junit = XDocument.Parse(ReportWriter.JUnit(settings, tally));
        var html = CrashLab.Harness.Reports.Html.HtmlReport.ForCampaign(settings, tally);

        Assert.Equal("stopped", json["verdict"]!.GetValue<string>());
        Assert.Equal("stopped", json["status"]!.GetValue<string>());
        Assert.Equal("kill-during-truncation", Assert.Single(json["scenarios_skipped"]!.AsArray())!.GetValue<string>());
        var suite = junit.Root!.Element("testsuite")!;
        Assert.Equal("1", suite.Attribute("errors")!.Value);
        Assert.Equal("1", suite.Attribute("skipped")!.Value);
        Assert.Contains("stopped by SIGTERM", suite.Elements("testcase").Single(t => t.Attribute("name")!.Value == "run stopped").Element("error")!.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.NotNull(suite.Elements("testcase").Single(t => t.Attribute("name")!.Value == "kill-during-truncation").Element("skipped"));
        Assert.Contains("CrashLab: <span class=\"warn\">stopped</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_WrittenWhileTheRunGoesOn_AreIncompleteWithAnError()
    {
        var (settings, tally) = TwoScenariosFirstOneStarted();

        var json = ReportWriter.Json(settings, tally);
        var junit = XDocument.Parse(ReportWriter.JUnit(settings, tally));

        Assert.Equal("incomplete", json["verdict"]!.GetValue<string>());
        Assert.Equal("running", json["status"]!.GetValue<string>());
        Assert.Equal("incomplete", junit.Descendants("error").Single().Attribute("type")!.Value);
    }

    [Fact]
    public void Reports_StoppedAfterAViolation_FailWithStatusStopped()
    {
        var (settings, tally) = TwoScenariosFirstOneStarted();
        tally.For("process-kill").Violation(new ViolationRecord("process-kill", 7, 1, "recovery", Violation.CannotStart("exited before ready"), null));
        tally.StoppedBy = "SIGINT";
        tally.Finished = true;

        var json = ReportWriter.Json(settings, tally);

        Assert.Equal("fail", json["verdict"]!.GetValue<string>());
        Assert.Equal("stopped", json["status"]!.GetValue<string>());
    }

    [Fact]
    public void Reports_FinishedWithoutAViolation_Pass()
    {
        var (settings, tally) = TwoScenariosFirstOneStarted();
        tally.For("kill-during-truncation").Cycle();
        tally.Finished = true;

        var junit = XDocument.Parse(ReportWriter.JUnit(settings, tally));

        Assert.Equal("pass", ReportWriter.Json(settings, tally)["verdict"]!.GetValue<string>());
        Assert.Empty(junit.Descendants("error"));
        Assert.Empty(junit.Descendants("skipped"));
    }
}
