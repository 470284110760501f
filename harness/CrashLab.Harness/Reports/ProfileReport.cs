using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Reports;

/// <summary>
/// A scenario's verdict under each persistence profile, as report.json, junit.xml and the terminal
/// summary give it: pass or fail on the states that profile admits, how many, and how many kills
/// were checked exhaustively.
/// </summary>
public static class ProfileReport
{
    public static JsonObject Json(CampaignTally.ScenarioTally tally)
    {
        var json = new JsonObject();
        foreach (var profile in tally.Profiles)
        {
            var counts = tally.Profile(profile);
            json[profile] = new JsonObject
            {
                ["verdict"] = tally.Failed(profile) ? "fail" : "pass",
                ["states_checked"] = counts.States,
                ["states_at_risk"] = counts.StatesAtRisk,
                ["violations"] = tally.Violations.Count(v => v.CountsAgainst(profile)),
                ["kills"] = counts.Kills,
                ["exhaustive_kills"] = counts.ExhaustiveKills,
                ["sampled_states"] = counts.SampledStates,
                ["sampled_total"] = Math.Round(counts.SampledTotal),
            };
        }

        return json;
    }

    /// <summary>Reads back what <see cref="Json"/> wrote (a merged shard's counts).</summary>
    public static void Add(CampaignTally.ScenarioTally tally, JsonObject? json)
    {
        foreach (var (profile, node) in json ?? [])
        {
            if (node is JsonObject counts && tally.Profiles.Contains(profile))
            {
                tally.Profile(profile).Add(counts["states_checked"]!.GetValue<int>(), counts["states_at_risk"]!.GetValue<int>(), counts["kills"]!.GetValue<int>(),
                    counts["exhaustive_kills"]!.GetValue<int>(), counts["sampled_states"]!.GetValue<int>(), counts["sampled_total"]!.GetValue<double>());
            }
        }
    }

    /// <summary>One property per profile on the scenario's testcase: "verdict.posix" = "fail", and its counts.</summary>
    public static void JUnitProperties(XmlWriter xml, CampaignTally.ScenarioTally tally)
    {
        xml.WriteStartElement("properties");
        foreach (var profile in tally.Profiles)
        {
            var counts = tally.Profile(profile);
            Property(xml, $"verdict.{profile}", tally.Failed(profile) ? "fail" : "pass");
            Property(xml, $"states.{profile}", counts.States.ToString(CultureInfo.InvariantCulture));
            Property(xml, $"exhaustive_kills.{profile}", $"{counts.ExhaustiveKills}/{counts.Kills}");
        }

        xml.WriteEndElement();
    }

    private static void Property(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", value);
        xml.WriteEndElement();
    }

    /// <summary>"posix: FAIL, 40 states · ext4-ordered: pass, 52 states, 9 of 11 kills exhaustive"; null without a power-loss kill (a process crash is the same state under every profile).</summary>
    public static string? Line(CampaignTally.ScenarioTally tally)
    {
        if (tally.Profiles.All(p => tally.Profile(p).Kills == 0))
            return null;
        return "under " + string.Join(" · ", tally.Profiles.Select(profile =>
        {
            var counts = tally.Profile(profile);
            return $"{profile}: {(tally.Failed(profile) ? "FAIL" : "pass")}, {counts.States} states{(counts.ExhaustiveShare is { } share ? $", {share}" : "")}";
        }));
    }

    /// <summary>" (only posix admits this state: ...)" or " (under posix and ext4-ordered)"; empty for a violation outside a crash state.</summary>
    public static string Under(Violation violation)
        => violation.AdmittedBy is not { } admitted ? ""
            : violation.PosixOnlyBecause is { } why ? $" (only posix admits this crash state: {why})"
            : $" (under {string.Join(" and ", admitted)})";

    /// <summary>The sentence a case's story ends with: " Only posix admits this crash state, not ext4-ordered: ..." or " Admitted by posix and ext4-ordered."; empty outside crash states.</summary>
    public static string Sentence(Violation violation)
        => violation.AdmittedBy is not { } admitted ? ""
            : violation.PosixOnlyBecause is { } why ? $" Only posix admits this crash state, not ext4-ordered: {why}."
            : $" Admitted by {string.Join(" and ", admitted)}.";
}
