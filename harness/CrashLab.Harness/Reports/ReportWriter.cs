using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Reports;

/// <summary>Writes report.json and junit.xml (atomically) and the human summary.</summary>
public static class ReportWriter
{
    public const string ReportSchema = "crashlab-report/1";

    /// <param name="html">Also draw report.html, which reads every case file: the periodic writes skip it unless a violation came in.</param>
    public static void Write(CampaignSettings settings, CampaignTally tally, Certificate? certificate = null, bool html = true)
    {
        Directory.CreateDirectory(settings.OutDir);
        if (html)
            AtomicFile.Write(Path.Combine(settings.OutDir, Html.HtmlReport.FileName), Html.HtmlReport.ForCampaign(settings, tally, certificate));
        AtomicFile.Write(Path.Combine(settings.OutDir, "report.json"), Json(settings, tally).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.Write(Path.Combine(settings.OutDir, "junit.xml"), JUnit(settings, tally));
    }

    public static JsonObject Json(CampaignSettings settings, CampaignTally tally) => new()
    {
        ["schema"] = ReportSchema,
        ["backend"] = settings.BackendLabel,
        ["backend_reported"] = tally.BackendName,
        ["crashlab_version"] = BuildInfo.Version,
        ["crashlab_commit"] = BuildInfo.Commit,
        ["seed"] = settings.Seed,
        ["white_box"] = settings.Backend.WhiteBox,
        ["fs"] = settings.Backend.Fuse ? "fuse" : "direct",
        ["workers"] = settings.Workers,
        ["shard"] = new JsonObject { ["index"] = settings.Shard.Index, ["count"] = settings.Shard.Count },
        ["chains_per_scenario"] = settings.Chains,
        ["certify_level"] = settings.CertifyLevel,
        ["profiles"] = new JsonArray([.. tally.Profiles.Select(p => (JsonNode)p)]),
        ["status"] = !tally.Finished ? "running" : tally.StoppedBy == null ? "finished" : "stopped",
        ["complete"] = tally.Finished && tally.StoppedBy == null,
        ["stopped_by"] = tally.StoppedBy,
        ["elapsed_seconds"] = Math.Round(tally.Elapsed.TotalSeconds, 2),
        ["states_checked"] = tally.States,
        ["states_per_second"] = Math.Round(tally.States / Math.Max(0.001, tally.Elapsed.TotalSeconds), 2),
        ["states_at_risk"] = tally.Scenarios.Sum(s => s.StatesAtRisk),
        ["kills_before_ready"] = tally.Scenarios.Sum(s => s.KillsBeforeReady),
        ["kills_after_ready"] = tally.Scenarios.Sum(s => s.KillsAfterReady),
        ["violations"] = tally.Violations,
        ["verdict"] = tally.Verdict,
        ["stage_seconds"] = Stages(TotalStages(tally)),
        ["scenarios_skipped"] = new JsonArray([.. settings.Scenarios.Where(s => tally.Skipped(s.Name)).Select(s => (JsonNode)s.Name)]),
        ["scenarios"] = new JsonArray([.. settings.Scenarios.Select(s => (JsonNode)Scenario(s, tally.For(s.Name), tally.Skipped(s.Name)))]),
    };

    private static JsonObject Scenario(Scenario scenario, CampaignTally.ScenarioTally tally, bool skipped) => new()
    {
        ["name"] = scenario.Name,
        ["status"] = skipped ? "skipped" : "run",
        ["backend_reported"] = tally.ReadyName,
        ["level"] = scenario.Level,
        ["states_checked"] = tally.States,
        ["budget"] = tally.Budget,
        ["duplicates_skipped"] = tally.Duplicates,
        ["unreachedof_budget_because"] = tally.ShortBecause,
        ["cycles"] = tally.Cycles,
        ["fatal_starts"] = tally.FatalStarts,
        ["last_fatal"] = tally.LastFatal,
        ["states_at_risk"] = tally.StatesAtRisk,
        ["kills_before_ready"] = tally.KillsBeforeReady,
        ["kills_after_ready"] = tally.KillsAfterReady,
        ["elapsed_seconds"] = Math.Round(tally.Elapsed.TotalSeconds, 2),
        ["stage_seconds"] = Stages(tally.Stages),
        ["profiles"] = ProfileReport.Json(tally),
        ["chains"] = new JsonArray([.. tally.Chains.OrderBy(c => c.Index).Select(c => (JsonNode)new JsonObject
        {
            ["index"] = c.Index,
            ["seed"] = c.Seed.ToString("x16", CultureInfo.InvariantCulture),
            ["states_checked"] = c.States,
            ["cycles"] = c.Cycles,
            ["violations"] = c.Violations,
            ["fatal_start"] = c.FatalStart,
            ["verdict"] = c.Verdict,
        })]),
        ["violations"] = new JsonArray([.. tally.Violations.Select(v => (JsonNode)new JsonObject
        {
            ["summary"] = v.Sentence,
            ["rule"] = v.Violation.Rule,
            ["message"] = v.Violation.Message,
            ["lsn"] = v.Violation.Lsn,
            ["expected"] = v.Violation.Expected,
            ["actual"] = v.Violation.Actual,
            ["chain_seed"] = v.ChainSeed.ToString("x16", CultureInfo.InvariantCulture),
            ["cycle"] = v.Cycle,
            ["stage"] = v.Stage,
            ["case_file"] = v.CaseFile,
            ["admitted_by"] = v.Violation.AdmittedBy is { } admitted ? new JsonArray([.. admitted.Select(p => (JsonNode)p)]) : null,
            ["posix_only_because"] = v.Violation.PosixOnlyBecause,
        })]),
    };

    /// <summary>Seconds in each stage (summed over workers, so they can add up to more than the wall clock) and how many times it ran.</summary>
    private static JsonObject Stages(IReadOnlyList<(StageTimes.Stage Stage, TimeSpan Total, long Count)> stages)
        => new(stages.Where(s => s.Count > 0).Select(s => KeyValuePair.Create(StageTimes.Name(s.Stage),
            (JsonNode?)new JsonObject { ["seconds"] = Math.Round(s.Total.TotalSeconds, 2), ["count"] = s.Count })));

    private static List<(StageTimes.Stage Stage, TimeSpan Total, long Count)> TotalStages(CampaignTally tally)
        => [.. tally.Scenarios.SelectMany(s => s.Stages).GroupBy(s => s.Stage).Select(g => (g.Key, TimeSpan.FromTicks(g.Sum(s => s.Total.Ticks)), g.Sum(s => s.Count)))];

    /// <summary>"spawn_to_ready 120 s (400x), ...": where the campaign's time went, for the summary.</summary>
    private static string StageLine(CampaignTally tally)
        => string.Join(", ", TotalStages(tally).Where(s => s.Count > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{StageTimes.Name(s.Stage)} {s.Total.TotalSeconds:0.0} s ({s.Count}x)")));

    /// <summary>
    /// One testcase per scenario; a failure carries its case file's path, a scenario never reached
    /// is skipped. An interrupted run adds a testcase with an error, so CI never reads it as green.
    /// </summary>
    public static string JUnit(CampaignSettings settings, CampaignTally tally)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            var skipped = settings.Scenarios.Count(s => tally.Skipped(s.Name));
            xml.WriteStartElement("testsuites");
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", $"crashlab {settings.BackendLabel}");
            xml.WriteAttributeString("tests", (settings.Scenarios.Count + (tally.Interrupted ? 1 : 0)).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", settings.Scenarios.Count(s => !tally.For(s.Name).Violations.IsEmpty).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("errors", tally.Interrupted ? "1" : "0");
            xml.WriteAttributeString("skipped", skipped.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", tally.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
            if (tally.Interrupted)
                Interruption(xml, settings, tally, skipped);
            foreach (var scenario in settings.Scenarios)
                ScenarioCase(xml, scenario, tally.For(scenario.Name), tally.Skipped(scenario.Name) ? Unfinished(tally) : null);

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    /// <summary>"56 crash states checked of a budget of 60 (4 not reached; 3 duplicates skipped)": where the budget went.</summary>
    private static string BudgetSpent(CampaignSettings settings, CampaignTally tally)
    {
        var scenarios = settings.Scenarios.Select(s => tally.For(s.Name)).ToList();
        var budget = scenarios.Sum(s => s.Budget ?? 0);
        var notes = new List<string>();
        if (scenarios.Sum(s => s.ShortBecause != null ? s.Budget!.Value - s.States : 0) is > 0 and var unreached)
            notes.Add($"{unreached} not reached, why above");
        if (scenarios.Sum(s => s.Duplicates) is > 0 and var duplicates)
            notes.Add($"{duplicates} duplicate(s) skipped: a crash state that leaves the same files as one already checked after the same kill is checked once");
        var of = budget > 0 ? $" of a budget of {budget}" : "";
        return $"{tally.States} crash states checked{of}{(notes.Count > 0 ? $" ({string.Join("; ", notes)})" : "")}";
    }

    private static string Unfinished(CampaignTally tally) => tally.StoppedBy != null ? $"stopped by {tally.StoppedBy}" : "the run had not finished when this report was written";

    private static void Interruption(XmlWriter xml, CampaignSettings settings, CampaignTally tally, int skipped)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", "crashlab");
        xml.WriteAttributeString("name", tally.StoppedBy != null ? "run stopped" : "run incomplete");
        xml.WriteAttributeString("time", tally.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        xml.WriteStartElement("error");
        xml.WriteAttributeString("type", tally.StoppedBy != null ? "stopped" : "incomplete");
        xml.WriteAttributeString("message", $"{Unfinished(tally)}: {skipped} of {settings.Scenarios.Count} scenarios not run; {tally.States} crash states checked before it");
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void ScenarioCase(XmlWriter xml, Scenario scenario, CampaignTally.ScenarioTally scenarioTally, string? skipped)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", $"crashlab.{scenario.Level}");
        xml.WriteAttributeString("name", scenario.Name);
        xml.WriteAttributeString("time", scenarioTally.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        ProfileReport.JUnitProperties(xml, scenarioTally);
        if (skipped != null)
        {
            xml.WriteStartElement("skipped");
            xml.WriteAttributeString("message", $"not run: {skipped}");
            xml.WriteEndElement();
        }

        foreach (var violation in scenarioTally.Violations)
        {
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("type", violation.Violation.Rule);
            xml.WriteAttributeString("message", $"{violation.Sentence}{ProfileReport.Under(violation.Violation)}");
            xml.WriteString($"case file: {violation.CaseFile}\nreplay: crashlab replay {violation.CaseFile}");
            xml.WriteEndElement();
        }

        xml.WriteStartElement("system-out");
        xml.WriteString($"crash states checked: {scenarioTally.States}; cycles: {scenarioTally.Cycles}");
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    public static string Summary(CampaignSettings settings, CampaignTally tally)
    {
        var text = new StringBuilder();
        var shard = settings.Shard.IsWhole ? "" : $", shard {settings.Shard}";
        text.AppendLine(CultureInfo.InvariantCulture, $"crashlab campaign: backend {settings.BackendLabel}, seed {settings.Seed}{shard}, {settings.Workers} worker(s), {tally.Elapsed.TotalSeconds:0.0} s");
        if (tally.StoppedBy != null)
            text.AppendLine(CultureInfo.InvariantCulture, $"  stopped early by {tally.StoppedBy}: the reports cover the crash states finished before it");
        foreach (var scenario in settings.Scenarios)
        {
            var s = tally.For(scenario.Name);
            var verdict = !s.Violations.IsEmpty ? $"FAIL ({s.Violations.Count} violation{(s.Violations.Count == 1 ? "" : "s")})" : tally.Skipped(scenario.Name) ? "skipped (not run)" : tally.StoppedBy != null ? "stopped" : "pass";
            var of = s.Budget is { } budget ? $" of {budget}" : "";
            var duplicates = s.Duplicates > 0 ? $"; {s.Duplicates} duplicate(s) skipped" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {scenario.Name,-28} {scenario.Level}  crash states {s.States,6}{of,-7} (durable data at risk in {s.StatesAtRisk}{duplicates})  kills before/after ready {s.KillsBeforeReady}/{s.KillsAfterReady}  {verdict}");
            if (s.ShortBecause != null)
                text.AppendLine(CultureInfo.InvariantCulture, $"    {s.Budget - s.States} of its {s.Budget} crash states not reached: {s.ShortBecause}");
            if (s.FatalStarts > 0)
                text.AppendLine(CultureInfo.InvariantCulture, $"    {s.FatalStarts} chain(s) ended by an honest refusal to start (a fault explains it); the last: {s.LastFatal}");
            if (ProfileReport.Line(s) is { } profiles)
                text.AppendLine(CultureInfo.InvariantCulture, $"    {profiles}");
            foreach (var v in s.Violations)
                text.AppendLine(CultureInfo.InvariantCulture, $"    {v.Sentence}{ProfileReport.Under(v.Violation)}\n      case: {v.CaseFile}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"total: {BudgetSpent(settings, tally)}, {tally.Violations} violation(s), {tally.States / Math.Max(0.001, tally.Elapsed.TotalSeconds):0.0} states/s");
        if (StageLine(tally) is { Length: > 0 } stages)
            text.AppendLine(CultureInfo.InvariantCulture, $"time per stage, summed over workers: {stages}");
        text.Append(CultureInfo.InvariantCulture, $"reports: {Path.Combine(settings.OutDir, Html.HtmlReport.FileName)}, {Path.Combine(settings.OutDir, "report.json")}, {Path.Combine(settings.OutDir, "junit.xml")}");
        return text.ToString();
    }
}
