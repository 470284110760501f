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
/// every level up to it passed. Each level is judged under each requested persistence profile on
/// the states that profile admits (a state both admit counts for both); the backend is certified
/// at a level only under every requested profile, and the headline names each one's highest level.
/// </summary>
public sealed record Certificate(string Backend, string Requested, string? CertifiedLevel, IReadOnlyList<Certificate.Level> Levels, ulong Seed, DateTimeOffset Date)
{
    public static readonly string[] LevelNames = ["L1", "L2", "L3", "L4"];

    public sealed record Level(string Name, string Status, IReadOnlyList<string> Scenarios, int StatesChecked, int Violations, string Note,
        int Budget, int StatesAtRisk, int KillsBeforeReady, int KillsAfterReady)
    {
        /// <summary>The level's verdict under each requested persistence profile, on the states that profile admits.</summary>
        public IReadOnlyList<ProfileLevel> Profiles { get; init; } = [];
    }

    /// <summary>
    /// One level under one profile: its verdict, the crash states it admits that were checked (and
    /// at risk), the violations found in such states, and the power-loss kills of which how many
    /// had every state the profile admits checked.
    /// </summary>
    public sealed record ProfileLevel(string Profile, string Status, int StatesChecked, int StatesAtRisk, int Violations, string Note, int Kills, int ExhaustiveKills)
    {
        /// <summary>"posix failed", "ext4-ordered certified".</summary>
        public string Phrase => $"{Profile} {(Status == "passed" ? "certified" : Status)}";
    }

    /// <summary>The persistence profiles the verdict answers for (--profile), weakest first.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [.. Storage.Faults.Profiles.KnownProfiles.Names];

    /// <summary>Each requested profile's highest certified level (null: none).</summary>
    public IReadOnlyDictionary<string, string?> CertifiedUnder { get; init; } = new Dictionary<string, string?>();

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

    /// <summary>Certified at the requested level under every requested profile.</summary>
    public bool Certified => CertifiedLevel != null && string.CompareOrdinal(CertifiedLevel, Requested) >= 0;

    /// <summary>No violation anywhere, but some level up to the requested one proved too little.</summary>
    public bool Inconclusive => !Certified && Levels.All(l => l.Violations == 0) && Levels.Any(l => l.Status == "inconclusive");

    /// <summary>"L1 under posix; L3 under ext4-ordered" (each requested profile's highest level).</summary>
    public string LevelPerProfile => string.Join("; ", Profiles.Select(p => $"{CertifiedUnder.GetValueOrDefault(p) ?? "no level"} under {p}"));

    /// <param name="run">The scenarios as run, with the budgets they were given.</param>
    public static Certificate From(string backend, bool whiteBox, string requested, ScenarioCatalog catalog, IReadOnlyList<Scenario> run, CampaignTally tally, ulong seed)
    {
        var levels = new List<Level>();
        var unbroken = tally.Profiles.ToDictionary(p => p, _ => true);
        var certified = tally.Profiles.ToDictionary(p => p, _ => (string?)null);
        foreach (var name in LevelNames.Where(l => string.CompareOrdinal(l, requested) <= 0))
        {
            var ran = run.Where(s => s.Level == name).ToList();
            var skipped = catalog.All.Count(s => s.Level == name) - ran.Count;
            var tallies = ran.Select(s => tally.For(s.Name)).ToList();
            var budget = ran.Sum(s => s.Budget);
            var profiles = tally.Profiles.Select(p =>
            {
                var counts = tallies.Select(t => t.Profile(p)).ToList();
                var (states, atRisk) = (counts.Sum(c => c.States), counts.Sum(c => c.StatesAtRisk));
                var violations = tallies.Sum(t => t.Violations.Count(v => v.CountsAgainst(p)));
                var (status, note) = LevelVerdict.Of(violations, skipped, ran.Count, states, atRisk, budget);
                return new ProfileLevel(p, status, states, atRisk, violations, note, counts.Sum(c => c.Kills), counts.Sum(c => c.ExhaustiveKills));
            }).ToList();
            // The level as a whole: its worst profile (a level passes only when it passes under every requested profile).
            var worst = profiles.OrderBy(p => Rank(p.Status)).FirstOrDefault();
            var (allStates, allAtRisk) = (tallies.Sum(t => t.States), tallies.Sum(t => t.StatesAtRisk));
            var (overall, overallNote) = worst != null ? (worst.Status, worst.Note) : LevelVerdict.Of(0, skipped, ran.Count, allStates, allAtRisk, budget);
            levels.Add(new Level(name, overall, [.. ran.Select(s => s.Name)], allStates, tallies.Sum(t => t.Violations.Count), overallNote, budget, allAtRisk,
                tallies.Sum(t => t.KillsBeforeReady), tallies.Sum(t => t.KillsAfterReady)) { Profiles = profiles });
            foreach (var p in profiles)
            {
                unbroken[p.Profile] &= p.Status == "passed";
                if (unbroken[p.Profile])
                    certified[p.Profile] = name;
            }
        }

        // Certified at a level only when every requested profile is: the lowest of their levels.
        var common = certified.Values.Any(l => l == null) ? null : certified.Values.Min(StringComparer.Ordinal);
        return new Certificate(backend, requested, common, levels, seed, DateTimeOffset.UtcNow)
        {
            BackendReported = tally.BackendName,
            Profiles = tally.Profiles,
            CertifiedUnder = certified,
        };
    }

    /// <summary>Worst first: a level is as good as its worst profile.</summary>
    private static int Rank(string status) => status switch
    {
        "failed" => 0,
        "inconclusive" => 1,
        "not applicable" => 2,
        "not run" => 3,
        "partial" => 4,
        _ => 5,
    };

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CrashLab certificate — backend: {Backend}{(BackendReported != null ? $" (reports itself as \"{BackendReported}\")" : "")}{(Fs == "fuse" ? ", run on a FUSE mount of the shim" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  requested {Requested}, seed {Seed}, {Date:yyyy-MM-dd HH:mm} UTC, checked by CrashLab {CrashLabVersion} (commit {CrashLabCommit}){(ElapsedSeconds is { } s ? $", took {WallClock(s)} wall clock" : "")}");
        foreach (var level in Levels)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {level.Name}  {level.Status,-14} crash states {level.StatesChecked,6}/{level.Budget,-6} at risk {level.StatesAtRisk,6}  kills before/after ready {level.KillsBeforeReady}/{level.KillsAfterReady}  violations {level.Violations}  scenarios: {(level.Scenarios.Count == 0 ? "-" : string.Join(", ", level.Scenarios))}{(level.Note.Length > 0 ? $"  ({level.Note})" : "")}");
            if (level.Profiles.Count > 0 && level.Scenarios.Count > 0)
                text.AppendLine(CultureInfo.InvariantCulture, $"      {level.Name}: {string.Join(", ", level.Profiles.Select(p => p.Phrase))}");
            foreach (var p in level.Profiles.Where(_ => level.Scenarios.Count > 0))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"      {p.Profile,-13} {p.Status,-14} crash states {p.StatesChecked,6}/{level.Budget,-6} at risk {p.StatesAtRisk,6}  violations {p.Violations}  {(p.Kills == 0 ? "no power-loss kill" : $"kills exhaustive {p.ExhaustiveKills}/{p.Kills} ({100.0 * p.ExhaustiveKills / p.Kills:0}%)")}{(p.Note.Length > 0 ? $"  ({p.Note})" : "")}");
            }
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
    public string Headline => (Certified ? $"CERTIFIED at {CertifiedLevel}"
        : Inconclusive ? $"INCONCLUSIVE at {Requested}: no violation, but too little was proven{(CertifiedLevel != null ? $" (certified at {CertifiedLevel})" : "")}"
        : $"NOT certified at {Requested}{(CertifiedLevel != null ? $" (certified at {CertifiedLevel})" : "")}")
        + (CertifiedUnder.Values.Distinct().Count() > 1 ? $"; {LevelPerProfile}" : "");

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
