using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Reports;

/// <summary>
/// Folds the report directories of a sharded campaign back into one: checks they are the shards
/// 0..N-1 of one campaign (each exactly once), adds up their counts, joins their chains and
/// violations, and copies their case files. Throws <see cref="FormatException"/> on bad input.
/// </summary>
public static class ReportMerger
{
    public sealed record Merged(CampaignSettings Settings, CampaignTally Tally, IReadOnlyList<string> IncompleteShards);

    public static Merged Merge(IReadOnlyList<string> dirs, string outDir)
    {
        if (dirs.Count == 0)
            throw new FormatException("give the report directories of every shard");
        var shards = dirs.Select(Load).ToList();
        var first = shards[0];
        foreach (var other in shards.Skip(1))
            RequireSameCampaign(first, other);
        CheckCoverage(shards);

        var scenarios = first.Json["scenarios"]!.AsArray().Select(s => new Scenario { Name = s!["name"]!.GetValue<string>(), Level = s["level"]!.GetValue<string>() }).ToList();
        var casesDir = Path.Combine(outDir, "cases");
        var profiles = first.Json["profiles"]?.AsArray().Select(p => p!.GetValue<string>()).ToList();
        var tally = new CampaignTally(profiles) { Finished = true, Elapsed = TimeSpan.FromSeconds(shards.Max(s => s.Json["elapsed_seconds"]!.GetValue<double>())) };
        foreach (var shard in shards.OrderBy(s => s.Shard.Index))
        {
            foreach (var node in shard.Json["scenarios"]!.AsArray())
                AddScenario(tally.For(node!["name"]!.GetValue<string>()), node.AsObject(), shard, casesDir);
        }

        var incomplete = shards.Where(s => s.Json["complete"]?.GetValue<bool>() == false)
            .Select(s => $"{s.Shard} ({s.Dir}, {s.Json["status"]?.GetValue<string>() ?? "incomplete"})").ToList();
        if (incomplete.Count > 0)
            tally.StoppedBy = $"shard(s) stopped early: {string.Join(", ", incomplete)}";
        var whiteBox = first.Json["white_box"]?.GetValue<bool>() ?? false;
        var label = first.Json["backend"]!.GetValue<string>();
        var settings = new CampaignSettings(new BackendSpec(label, "", [], whiteBox), label, false, scenarios, first.Json["seed"]!.GetValue<ulong>(), shards.Sum(s => s.Json["workers"]!.GetValue<int>()), outDir)
        {
            Chains = first.Json["chains_per_scenario"]?.GetValue<int>(),
            CertifyLevel = first.Json["certify_level"]?.GetValue<string>(),
            Profiles = tally.Profiles,
            Progress = null,
        };
        return new Merged(settings, tally, incomplete);
    }

    private sealed record ShardReport(string Dir, JsonObject Json, Shard Shard);

    private static ShardReport Load(string dir)
    {
        var path = Path.Combine(dir, "report.json");
        if (!File.Exists(path))
            throw new FormatException(Directory.Exists(dir) ? $"{dir} holds no report.json (give the --out directory of each shard)" : $"{dir} does not exist");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException("empty");
            if (json["schema"]?.GetValue<string>() != ReportWriter.ReportSchema)
                throw new FormatException($"not a {ReportWriter.ReportSchema} report");
            var shard = json["shard"] is JsonObject s ? new Shard(s["index"]!.GetValue<int>(), s["count"]!.GetValue<int>()) : Shard.Whole;
            return new ShardReport(dir, json, shard);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new FormatException($"{path} is not a valid report: {e.Message}", e);
        }
    }

    private static void RequireSameCampaign(ShardReport a, ShardReport b)
    {
        foreach (var key in new[] { "backend", "seed", "chains_per_scenario", "certify_level", "profiles" })
        {
            if (a.Json[key]?.ToJsonString() != b.Json[key]?.ToJsonString())
                throw new FormatException($"{a.Dir} and {b.Dir} are not shards of one campaign: {key} differs ({a.Json[key]?.ToJsonString() ?? "null"} vs {b.Json[key]?.ToJsonString() ?? "null"})");
        }

        static string Names(ShardReport r) => string.Join(",", r.Json["scenarios"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        if (Names(a) != Names(b))
            throw new FormatException($"{a.Dir} and {b.Dir} ran different scenarios ({Names(a)} vs {Names(b)})");
    }

    private static void CheckCoverage(List<ShardReport> shards)
    {
        var counts = shards.Select(s => s.Shard.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new FormatException($"the reports were split different ways: {string.Join(", ", shards.Select(s => $"{s.Dir} is shard {s.Shard}"))}");
        var duplicate = shards.GroupBy(s => s.Shard.Index).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
            throw new FormatException($"shard {duplicate.Key}/{counts[0]} appears twice: {string.Join(" and ", duplicate.Select(s => s.Dir))}");
        var missing = Enumerable.Range(0, counts[0]).Except(shards.Select(s => s.Shard.Index)).ToList();
        if (missing.Count > 0)
            throw new FormatException($"missing shard(s) {string.Join(", ", missing.Select(i => $"{i}/{counts[0]}"))}: give the report directory of every shard");
    }

    private static void AddScenario(CampaignTally.ScenarioTally tally, JsonObject node, ShardReport shard, string casesDir)
    {
        tally.Add(node["states_checked"]!.GetValue<int>(), node["cycles"]!.GetValue<int>(), node["fatal_starts"]!.GetValue<int>(),
            node["states_at_risk"]?.GetValue<int>() ?? 0, node["kills_before_ready"]?.GetValue<int>() ?? 0, node["kills_after_ready"]?.GetValue<int>() ?? 0);
        tally.Elapsed = TimeSpan.FromSeconds(Math.Max(tally.Elapsed.TotalSeconds, node["elapsed_seconds"]!.GetValue<double>()));
        ProfileReport.Add(tally, node["profiles"] as JsonObject);
        if (node["backend_reported"]?.GetValue<string>() is { } name)
            tally.SawReady(name);
        foreach (var c in node["chains"]?.AsArray() ?? [])
        {
            tally.Chains.Enqueue(new ChainRecord(c!["index"]!.GetValue<int>(), ulong.Parse(c["seed"]!.GetValue<string>(), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                c["states_checked"]!.GetValue<int>(), c["cycles"]!.GetValue<int>(), c["violations"]!.GetValue<int>(), c["fatal_start"]!.GetValue<bool>()));
        }

        foreach (var v in node["violations"]!.AsArray())
        {
            var violation = new Violation(v!["rule"]!.GetValue<string>(), v["message"]!.GetValue<string>())
            {
                Lsn = v["lsn"]?.GetValue<long>(),
                Expected = v["expected"]?.GetValue<string>(),
                Actual = v["actual"]?.GetValue<string>(),
                AdmittedBy = v["admitted_by"]?.AsArray().Select(p => p!.GetValue<string>()).ToList(),
                PosixOnlyBecause = v["posix_only_because"]?.GetValue<string>(),
            };
            var caseFile = CopyCase(v["case_file"]?.GetValue<string>(), shard, casesDir);
            tally.Violations.Enqueue(new ViolationRecord(tally.Name, ulong.Parse(v["chain_seed"]!.GetValue<string>(), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                v["cycle"]!.GetValue<int>(), v["stage"]!.GetValue<string>(), violation, caseFile) { Summary = v["summary"]?.GetValue<string>() });
        }
    }

    /// <summary>Copies a shard's case file into the merged cases directory; the path is looked up in the shard's own directory if it moved.</summary>
    private static string? CopyCase(string? path, ShardReport shard, string casesDir)
    {
        if (path == null)
            return null;
        var source = File.Exists(path) ? path : Path.Combine(shard.Dir, "cases", Path.GetFileName(path));
        if (!File.Exists(source))
            return path;
        Directory.CreateDirectory(casesDir);
        var target = Path.Combine(casesDir, Path.GetFileName(source));
        if (File.Exists(target) && !File.ReadAllBytes(target).AsSpan().SequenceEqual(File.ReadAllBytes(source)))
            target = Path.Combine(casesDir, $"shard{shard.Shard.Index}-{Path.GetFileName(source)}");
        File.Copy(source, target, overwrite: true);
        return target;
    }
}
