using System.Globalization;
using System.Text;
using System.Text.Json;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Reports;

/// <summary>
/// The outcome of certification: per level, the scenarios run, the crash states checked and the
/// violations found. A level is passed only with zero violations and all its scenarios run; the
/// backend is certified at the highest level whose every level up to it passed.
/// </summary>
public sealed record Certificate(string Backend, string Requested, string? CertifiedLevel, IReadOnlyList<Certificate.Level> Levels, ulong Seed)
{
    public static readonly string[] LevelNames = ["L1", "L2", "L3", "L4"];

    public sealed record Level(string Name, string Status, IReadOnlyList<string> Scenarios, int StatesChecked, int Violations, string Note);

    public bool Certified => CertifiedLevel != null && string.CompareOrdinal(CertifiedLevel, Requested) >= 0;

    public static Certificate From(string backend, bool whiteBox, string requested, ScenarioCatalog catalog, CampaignTally tally, ulong seed)
    {
        var levels = new List<Level>();
        string? certified = null;
        var unbroken = true;
        foreach (var name in LevelNames.Where(l => string.CompareOrdinal(l, requested) <= 0))
        {
            var all = catalog.All.Where(s => s.Level == name).ToList();
            var run = all.Where(s => whiteBox || !s.NeedsShim).ToList();
            var states = run.Sum(s => tally.For(s.Name).States);
            var violations = run.Sum(s => tally.For(s.Name).Violations.Count);
            var skipped = all.Count - run.Count;
            var (status, note) = (violations, skipped, run.Count) switch
            {
                ( > 0, _, _) => ("failed", $"{violations} violation(s)"),
                (_, _, 0) when skipped > 0 => ("not applicable", "needs a white-box backend (running on the CrashLab shim)"),
                (_, _, 0) => ("not run", "no scenario at this level"),
                (_, > 0, _) => ("partial", $"passed the black-box part; {skipped} scenario(s) need the shim"),
                _ => ("passed", ""),
            };
            levels.Add(new Level(name, status, [.. run.Select(s => s.Name)], states, violations, note));
            unbroken &= status == "passed";
            if (unbroken)
                certified = name;
        }

        return new Certificate(backend, requested, certified, levels, seed);
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CrashLab certificate — backend: {Backend}, requested {Requested}, seed {Seed}");
        foreach (var level in Levels)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {level.Name}  {level.Status,-14} crash states {level.StatesChecked,6}  violations {level.Violations}  scenarios: {(level.Scenarios.Count == 0 ? "-" : string.Join(", ", level.Scenarios))}{(level.Note.Length > 0 ? $"  ({level.Note})" : "")}");
        }

        text.Append(Certified ? $"CERTIFIED at {CertifiedLevel}" : $"NOT certified at {Requested}{(CertifiedLevel != null ? $" (certified at {CertifiedLevel})" : "")}");
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, CaseFile.Json);
}
