using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Reports.Html;
using Xunit.Abstractions;

namespace CrashLab.Harness.Tests.Reports.Html;

/// <summary>The page's structure, without a browser: self-contained, the lanes and the kill drawn, the sentence and the commands there.</summary>
public sealed partial class HtmlReportTests(ITestOutputHelper output)
{
    [Fact]
    public void ForCampaign_TenThousandStatesSixtyViolations_DrawsFiftyAndStaysUnderFiveMegabytes()
    {
        var dir = Directory.CreateTempSubdirectory("crashlab-html-").FullName;
        try
        {
            var scenario = new Scenario { Name = "power-loss-torn-sectors", Level = "L2", Budget = 10_000 };
            var settings = new CampaignSettings(new BackendSpec("mutant:non-atomic-batch", "x", [], true), "mutant:non-atomic-batch", false, [scenario], 1, 1, dir) { Progress = null };
            var tally = new CampaignTally();
            for (var i = 0; i < 10_000; i++)
                tally.For(scenario.Name).StateChecked(durableDataAtRisk: true);
            var violation = CaseFile.Load(Fixture).Violation;
            for (var i = 0; i < 60; i++)
            {
                var path = Path.Combine(dir, $"case-{i}.json");
                File.Copy(Fixture, path);
                tally.For(scenario.Name).Violation(new ViolationRecord(scenario.Name, (ulong)i, 1, "power-loss", violation, path));
            }

            var clock = Stopwatch.StartNew();
            var html = HtmlReport.ForCampaign(settings, tally);
            output.WriteLine($"rendered in {clock.Elapsed.TotalMilliseconds:0} ms, {Encoding.UTF8.GetByteCount(html) / 1024} KiB (reported, not asserted: timing is a benchmark's job)");

            Assert.InRange(Encoding.UTF8.GetByteCount(html), 1, 5 << 20);
            Assert.Equal(HtmlReport.MaxCases, CaseSections().Count(html));
            Assert.Contains($"The first {HtmlReport.MaxCases} of 60 cases are drawn here", html, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex("<section class=\"case\"")]
    private static partial Regex CaseSections();

    internal static string Fixture => Path.Combine(AppContext.BaseDirectory, "Reports", "Html", "non-atomic-batch.case.json");

    [Fact]
    public void ForCase_MutantCase_IsSelfContained()
    {
        var html = HtmlReport.ForCase(CaseFile.Load(Fixture), Fixture);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(src|href)=""https?:", html);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ForCase_MutantCase_DrawsALanePerRequestTheKillAndTheFileSystem()
    {
        var file = CaseFile.Load(Fixture);

        var html = HtmlReport.ForCase(file, Fixture);

        Assert.Equal(file.WhiteBox!.Requests!.Count, RequestBars().Count(html));
        Assert.Contains("data-outcome=\"unanswered\"", html, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"durable\"", html, StringComparison.Ordinal);
        Assert.Contains("<line class=\"kill\"", html, StringComparison.Ordinal);
        Assert.Contains($"crash point at op {file.Timeline!.KillAtOp}", html, StringComparison.Ordinal);
        Assert.Contains("data-fate=\"torn\"", html, StringComparison.Ordinal);
        Assert.Contains("kept the first 492 of 504 sectors", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ForCase_MutantCase_TellsTheStoryAndGivesTheCommands()
    {
        var html = HtmlReport.ForCase(CaseFile.Load(Fixture), Fixture);

        Assert.Contains("Request #4 (batch 4, 12 record(s)) was sent at", html, StringComparison.Ordinal);
        Assert.Contains("after recovery: batch 4 was cut in two: 11 of its 12 records recovered (rule 3-prefix)", html, StringComparison.Ordinal);
        Assert.Contains("first differing LSN 19", html, StringComparison.Ordinal);
        Assert.Contains($"crashlab replay {Fixture}", html, StringComparison.Ordinal);
        Assert.Contains($"crashlab shrink {Fixture}", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ForCase_WritesAfterTheKill_TheStorySaysWhichAndWhatTheStateDidWithThem()
    {
        var file = CaseFile.Load(Fixture);
        var kill = file.Timeline!.KillAtOp;
        var late = new[] { kill + 1, kill + 2 }.Select(op => new TimelineOp(op, "write", "seg-00000001.wal", 4096, 4096, "kept", "arrived after the kill"));
        var withLate = file with { Timeline = file.Timeline with { Ops = [.. file.Timeline.Ops, .. late] } };

        var html = HtmlReport.ForCase(withLate, Fixture);

        Assert.Contains($"2 write(s) arrived after the kill, ops {kill + 1}–{kill + 2} (the kernel writing back what the dead process left dirty), kept as a process crash keeps them", html, StringComparison.Ordinal);
        Assert.DoesNotContain("arrived after the kill, ops", HtmlReport.ForCase(file, Fixture), StringComparison.Ordinal);
    }

    [Fact]
    public void ForCase_NoFileSystemOperations_SaysWhyWithoutCallingTheReferenceEngineBlackBox()
    {
        // A mutant of the reference engine killed in process-kill records no operations; it was no black-box run.
        var file = CaseFile.Load(Fixture);
        var withoutOps = file with { Timeline = file.Timeline! with { Ops = [] } };

        var html = HtmlReport.ForCase(withoutOps, Fixture);

        Assert.Contains("No file-system operations recorded: this run's I/O did not pass through the CrashLab shim", html, StringComparison.Ordinal);
        Assert.DoesNotContain("black-box run", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No file-system operations recorded", HtmlReport.ForCase(file, Fixture), StringComparison.Ordinal);
    }

    [Fact]
    public void ForCase_BackendTextWithMarkup_IsEscaped()
    {
        var file = CaseFile.Load(Fixture);
        var hostile = file with { Violation = file.Violation with { Message = "<script>alert(1)</script>" }, Stderr = "<img src=x onerror=alert(1)>" };

        var html = HtmlReport.ForCase(hostile, Fixture);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<g class=\"request\"")]
    private static partial Regex RequestBars();
}
