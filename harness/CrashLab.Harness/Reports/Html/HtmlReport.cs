using System.Globalization;
using System.Text;
using System.Text.Json;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Conformance;
using static CrashLab.Harness.Reports.Html.Html;

namespace CrashLab.Harness.Reports.Html;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) that opens
/// from a CI artifact. Campaign, certificate and detection proof on top, then a section per
/// violation drawn from its case file. Bounded: at most <see cref="MaxCases"/> cases are drawn.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";
    public const int MaxCases = 50;

    public static string ForCampaign(CampaignSettings settings, CampaignTally tally, Certificate? certificate = null)
    {
        var html = Start($"CrashLab — {settings.BackendLabel}");
        var verdict = certificate?.Verdict ?? tally.Verdict;
        html.Append($"<h1>CrashLab: <span class=\"{Css(verdict)}\">{E(verdict)}</span></h1>");
        html.Append($"<p>backend <b>{E(settings.BackendLabel)}</b>{(tally.BackendName != null ? $" (reports itself as “{E(tally.BackendName)}”)" : "")}{(settings.Backend.Fuse ? ", on a FUSE mount of the shim" : "")}; seed {settings.Seed}; ");
        html.Append(CultureInfo.InvariantCulture, $"{tally.States} crash states in {tally.Elapsed.TotalSeconds:0.0} s ({tally.States / Math.Max(0.001, tally.Elapsed.TotalSeconds):0.0} states/s); {tally.Violations} violation(s); CrashLab {E(BuildInfo.Version)} ({E(BuildInfo.Commit)})</p>");
        if (tally.Interrupted)
            html.Append($"<p class=\"warn\">{(tally.StoppedBy != null ? $"Stopped by {E(tally.StoppedBy)}" : "Not finished (a report written while the run went on)")}: {settings.Scenarios.Count(s => tally.Skipped(s.Name))} of {settings.Scenarios.Count} scenarios not run; no verdict on what was not checked.</p>");
        if (certificate != null)
            Levels(html, certificate);
        Scenarios(html, settings, tally);
        Cases(html, settings.Scenarios.SelectMany(s => tally.For(s.Name).Violations).Select(v => v.CaseFile).OfType<string>());
        return End(html);
    }

    public static string ForCase(CaseFile file, string path)
    {
        var html = Start($"CrashLab case — {file.Scenario.Name}");
        html.Append($"<h1>CrashLab case: <span class=\"fail\">rule {E(file.Violation.Rule)}</span></h1>");
        html.Append(CaseSection.Render(file, path, "case-1"));
        return End(html);
    }

    public static string ForProof(IReadOnlyList<DetectionResult> results, int budget, string? referenceVerdict)
    {
        var html = Start("CrashLab detection proof");
        var caught = results.Count(r => r.Caught);
        html.Append($"<h1>Detection proof: <span class=\"{(caught == results.Count ? "pass" : "fail")}\">{caught} of {results.Count} mutants caught</span></h1>");
        html.Append($"<p>each within {budget} crash states{(referenceVerdict != null ? $"; reference engine at L4: <b>{E(referenceVerdict)}</b> (reference/report.html)" : "")}</p>");
        html.Append("<table class=\"detection\"><tr><th>mutant</th><th>level</th><th>scenario</th><th>verdict</th><th>crash states to detection</th><th>time</th><th>rule</th></tr>");
        foreach (var r in results)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Mutant)}</td><td>{E(r.Level)}</td><td>{E(r.Scenario)}</td><td class=\"{(r.Caught ? "pass" : "fail")}\">{(r.Caught ? "caught" : "MISSED")}</td><td>{r.States}</td><td>{r.Elapsed.TotalSeconds:0.0} s</td><td>{E(r.Rule)}</td></tr>");
        html.Append("</table>");
        Cases(html, results.Select(r => r.CaseFile).OfType<string>());
        return End(html);
    }

    private static void Levels(StringBuilder html, Certificate certificate)
    {
        html.Append($"<h2>Certificate: {E(certificate.Headline)} (requested {E(certificate.Requested)})</h2>");
        if (certificate.Caveat is { } caveat)
            html.Append($"<p class=\"warn\">{E(caveat)}</p>");
        html.Append("<table class=\"levels\"><tr><th>level</th><th>status</th><th>crash states / budget</th><th>at risk</th><th>violations</th><th>scenarios</th><th>note</th></tr>");
        foreach (var level in certificate.Levels)
        {
            html.Append($"<tr><td>{E(level.Name)}</td><td class=\"{Css(level.Status)}\">{E(level.Status)}</td><td>{level.StatesChecked}/{level.Budget}</td><td>{level.StatesAtRisk}</td><td>{level.Violations}</td><td>{E(string.Join(", ", level.Scenarios))}</td><td>{E(level.Note)}</td></tr>");
            foreach (var p in level.Profiles.Where(_ => level.Scenarios.Count > 0))
            {
                var exhaustive = p.Kills == 0 ? "" : $"; {p.ExhaustiveKills} of {p.Kills} power-loss kills checked exhaustively";
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"profile\"><td>under {E(p.Profile)}</td><td class=\"{Css(p.Status)}\">{E(p.Phrase)}</td><td>{p.StatesChecked}/{level.Budget}</td><td>{p.StatesAtRisk}</td><td>{p.Violations}</td><td></td><td>{E(p.Note + exhaustive)}</td></tr>");
            }
        }

        html.Append("</table>");
        if (certificate.Profiles.Count > 1)
            html.Append($"<p>Highest level per persistence profile: <b>{E(certificate.LevelPerProfile)}</b>.</p>");
    }

    private static void Scenarios(StringBuilder html, CampaignSettings settings, CampaignTally tally)
    {
        html.Append("<h2>Scenarios</h2><table class=\"scenarios\"><tr><th>scenario</th><th>level</th><th>crash states</th><th>at risk</th><th>cycles</th><th>violations</th><th>verdict</th></tr>");
        foreach (var scenario in settings.Scenarios)
        {
            var t = tally.For(scenario.Name);
            var verdict = !t.Violations.IsEmpty ? "fail" : tally.Skipped(scenario.Name) ? "skipped" : tally.Interrupted ? "unfinished" : "pass";
            html.Append($"<tr><td>{E(scenario.Name)}</td><td>{E(scenario.Level)}</td><td>{t.States}</td><td>{t.StatesAtRisk}</td><td>{t.Cycles}</td><td>{t.Violations.Count}</td><td class=\"{Css(verdict)}\">{verdict}</td></tr>");
            if (ProfileReport.Line(t) is { } profiles)
                html.Append($"<tr class=\"profile\"><td colspan=\"7\">{E(profiles)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Cases(StringBuilder html, IEnumerable<string> paths)
    {
        var all = paths.Distinct(StringComparer.Ordinal).ToList();
        if (all.Count == 0)
            return;
        html.Append($"<h2>Violations ({all.Count})</h2>");
        if (all.Count > MaxCases)
            html.Append($"<p class=\"note\">The first {MaxCases} of {all.Count} cases are drawn here; crashlab report CASE.json draws any other.</p>");
        var n = 0;
        foreach (var path in all.Take(MaxCases))
        {
            n++;
            try
            {
                html.Append(CaseSection.Render(CaseFile.Load(path), path, $"case-{n}"));
            }
            catch (Exception e) when (e is IOException or FormatException or JsonException or UnauthorizedAccessException)
            {
                html.Append($"<p class=\"warn\">case {E(path)} could not be read: {E(e.Message)}</p>");
            }
        }
    }

    private static StringBuilder Start(string title)
        => new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append($"<title>{E(title)}</title><style>{Style}</style></head><body>");

    private static string End(StringBuilder html) => html.Append("</body></html>").ToString();

    private static string Css(string status) => status switch
    {
        "pass" or "passed" or "certified" => "pass",
        "fail" or "failed" => "fail",
        _ => "warn",
    };
}
