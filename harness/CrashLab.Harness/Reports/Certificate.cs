using System.Globalization;
using System.Text;
using System.Text.Json;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Reports;

/// <summary>
/// The outcome of certification: per level, the scenarios run, the crash states checked (and how
/// many put acknowledged durable data at risk), the kills before and after ready, and the
/// violations. A level passes only with zero violations, all its scenarios run, at least its
/// budget of crash states checked and at least half of them with durable data at risk; with zero
/// violations but too few states, or too few at risk, it is inconclusive: never passed, since a
/// backend that keeps nothing proves nothing. The backend is certified at the highest level whose
/// every level up to it passed.
/// </summary>
public sealed record Certificate(string Backend, string Requested, string? CertifiedLevel, IReadOnlyList<Certificate.Level> Levels, ulong Seed, DateTimeOffset Date)
{
    public static readonly string[] LevelNames = ["L1", "L2", "L3", "L4"];

    public sealed record Level(string Name, string Status, IReadOnlyList<string> Scenarios, int StatesChecked, int Violations, string Note,
        int Budget, int StatesAtRisk, int KillsBeforeReady, int KillsAfterReady);

    /// <summary>The CrashLab that checked: version and git commit.</summary>
    public string CrashLabVersion { get; init; } = BuildInfo.Version;

    public string CrashLabCommit { get; init; } = BuildInfo.Commit;

    /// <summary>"fuse" when the backend ran on a FUSE mount of the shim; null when it ran directly.</summary>
    public string? Fs { get; init; }

    /// <summary>Wall-clock seconds the certification took, from the protocol check to the verdict (null when not measured, as in a merge of shards).</summary>
    public double? ElapsedSeconds { get; init; }

    /// <summary>The name the backend gave in its ready event (null if it never became ready).</summary>
    public string? BackendReported { get; init; }

    /// <summary>certified, failed (a violation), inconclusive (too little proven), or not applicable (the level cannot be reached by this backend).</summary>
    public string Verdict => Certified ? "certified" : Levels.Any(l => l.Violations > 0) ? "failed" : Inconclusive ? "inconclusive" : "not applicable";

    public bool Certified => CertifiedLevel != null && string.CompareOrdinal(CertifiedLevel, Requested) >= 0;

    /// <summary>No violation anywhere, but some level up to the requested one proved too little.</summary>
    public bool Inconclusive => !Certified && Levels.All(l => l.Violations == 0) && Levels.Any(l => l.Status == "inconclusive");

    /// <param name="run">The scenarios as run, with the budgets they were given.</param>
    public static Certificate From(string backend, bool whiteBox, string requested, ScenarioCatalog catalog, IReadOnlyList<Scenario> run, CampaignTally tally, ulong seed)
    {
        var levels = new List<Level>();
        string? certified = null;
        var unbroken = true;
        foreach (var name in LevelNames.Where(l => string.CompareOrdinal(l, requested) <= 0))
        {
            var all = catalog.All.Where(s => s.Level == name).ToList();
            var ran = run.Where(s => s.Level == name).ToList();
            var tallies = ran.Select(s => tally.For(s.Name)).ToList();
            var (states, atRisk) = (tallies.Sum(t => t.States), tallies.Sum(t => t.StatesAtRisk));
            var violations = tallies.Sum(t => t.Violations.Count);
            var budget = ran.Sum(s => s.Budget);
            var skipped = all.Count - ran.Count;
            var (status, note) = (violations, skipped, ran.Count) switch
            {
                ( > 0, _, _) => ("failed", $"{violations} violation(s)"),
                (_, _, 0) when skipped > 0 => ("not applicable", "needs a white-box backend (running on the CrashLab shim)"),
                (_, _, 0) => ("not run", "no scenario at this level"),
                _ when states < budget => ("inconclusive", $"only {states} of the budget's {budget} crash states were checked"),
                _ when atRisk * 2 < states => ("inconclusive", $"only {atRisk} of {states} crash states put acknowledged durable data at risk (at least half must)"),
                (_, > 0, _) => ("partial", $"passed the black-box part; {skipped} scenario(s) need the shim"),
                _ => ("passed", ""),
            };
            levels.Add(new Level(name, status, [.. ran.Select(s => s.Name)], states, violations, note, budget, atRisk,
                tallies.Sum(t => t.KillsBeforeReady), tallies.Sum(t => t.KillsAfterReady)));
            unbroken &= status == "passed";
            if (unbroken)
                certified = name;
        }

        return new Certificate(backend, requested, certified, levels, seed, DateTimeOffset.UtcNow) { BackendReported = tally.BackendName };
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CrashLab certificate — backend: {Backend}{(BackendReported != null ? $" (reports itself as \"{BackendReported}\")" : "")}{(Fs == "fuse" ? ", run on a FUSE mount of the shim" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  requested {Requested}, seed {Seed}, {Date:yyyy-MM-dd HH:mm} UTC, checked by CrashLab {CrashLabVersion} (commit {CrashLabCommit}){(ElapsedSeconds is { } s ? $", took {WallClock(s)} wall clock" : "")}");
        foreach (var level in Levels)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {level.Name}  {level.Status,-14} crash states {level.StatesChecked,6}/{level.Budget,-6} at risk {level.StatesAtRisk,6}  kills before/after ready {level.KillsBeforeReady}/{level.KillsAfterReady}  violations {level.Violations}  scenarios: {(level.Scenarios.Count == 0 ? "-" : string.Join(", ", level.Scenarios))}{(level.Note.Length > 0 ? $"  ({level.Note})" : "")}");
        }

        text.Append(CultureInfo.InvariantCulture, $"verdict: {Verdict} — {Headline}");
        if (Caveat != null)
            text.Append(CultureInfo.InvariantCulture, $"\n{Caveat}");
        return text.ToString();
    }

    private static string WallClock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}");
    }

    /// <summary>The verdict as a person says it: "CERTIFIED at L2", "NOT certified at L4 (certified at L1)".</summary>
    public string Headline => Certified ? $"CERTIFIED at {CertifiedLevel}"
        : Inconclusive ? $"INCONCLUSIVE at {Requested}: no violation, but too little was proven{(CertifiedLevel != null ? $" (certified at {CertifiedLevel})" : "")}"
        : $"NOT certified at {Requested}{(CertifiedLevel != null ? $" (certified at {CertifiedLevel})" : "")}";

    /// <summary>
    /// What an L1 certificate does not say, said on it: a process kill leaves the page cache, so
    /// L1 proves nothing about fsync or power loss. Null above L1.
    /// </summary>
    public string? Caveat => Requested == "L1" && CertifiedLevel == "L1"
        ? "L1 kills the process only: what it wrote stays in the operating system's page cache, so L1 proves nothing about fsync or power loss. "
          + "Next: --level L2 (power loss, lost unsynced writes and directory entries; a --backend-cmd backend runs on a FUSE mount, which needs root and /dev/fuse)."
        : null;

    public string ToJson() => JsonSerializer.Serialize(this, CaseFile.Json);
}
