using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>A white-box case through replay, shrink and report: the shrunk case is its own run's, and nothing prints a record as C# would.</summary>
public sealed class ShrunkCaseTests : CliTest
{
    [Fact]
    public async Task ReplayShrinkReport_WhiteBoxCase_ShrunkCaseReportsItsOwnRunInWordsForAPerson()
    {
        var campaign = await Crashlab.RunAsync("campaign", "--backend", "mutant:ack-before-fdatasync", "--scenario", "power-loss-drop-all", "--budget", "3", "--out", Out);
        Assert.Equal(1, campaign.ExitCode);
        var original = Directory.GetFiles(Path.Combine(Out, "cases"), "*.json").First();
        var shrunk = Path.Combine(Dir, "case.min.json");

        var replay = await Crashlab.RunAsync("replay", original);
        var shrink = await Crashlab.RunAsync("shrink", original, "--out", shrunk, "--attempts", "6");
        var report = await Crashlab.RunAsync("report", shrunk, "--out", Path.Combine(Dir, "case.html"));

        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("crash state drop-all, seed ", replay.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, shrink.ExitCode);
        foreach (var text in new[] { campaign.Output, replay.Output, shrink.Output, report.Output, await File.ReadAllTextAsync(Path.Combine(Dir, "case.html")) })
            HumanText.AssertNoInternalNames(text);

        using var min = JsonDocument.Parse(await File.ReadAllTextAsync(shrunk));
        var root = min.RootElement;
        var crashAt = root.GetProperty("white_box").GetProperty("plan").GetProperty("crash").GetProperty("at_op").GetInt64();
        var timeline = root.GetProperty("timeline");
        Assert.Equal(crashAt, timeline.GetProperty("kill_at_op").GetInt64());
        Assert.All(timeline.GetProperty("ops").EnumerateArray(), op => Assert.True(op.GetProperty("op").GetInt64() <= crashAt, "an operation after the shrunk run's crash point"));
        // The requests as the shrunk run sent them (its own times), when it sent any.
        var requests = root.TryGetProperty("transcript", out var transcript) ? transcript.EnumerateArray().ToList() : [];
        Assert.All(requests, r => Assert.True(r.TryGetProperty("sent_ms", out _), "a request without this run's times"));
        var html = await File.ReadAllTextAsync(Path.Combine(Dir, "case.html"));
        if (requests.Count > 0)
            Assert.DoesNotContain("No request transcript", html, StringComparison.Ordinal);
        Assert.StartsWith(System.Net.WebUtility.HtmlEncode(root.GetProperty("summary").GetString()!)[..40], html[(html.IndexOf("class=\"story\">", StringComparison.Ordinal) + 14)..], StringComparison.Ordinal);
    }
}
