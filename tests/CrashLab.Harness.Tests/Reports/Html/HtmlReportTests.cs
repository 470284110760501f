using System.Text.RegularExpressions;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Reports.Html;

namespace CrashLab.Harness.Tests.Reports.Html;

/// <summary>The page's structure, without a browser: self-contained, the lanes and the kill drawn, the sentence and the commands there.</summary>
public sealed partial class HtmlReportTests
{
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
