using System.Collections.Concurrent;
using System.Diagnostics;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Counts shared by all workers of a campaign: states checked, violations, chains ended by a fatal
/// start, and the same per requested persistence profile (<see cref="Profiles"/>).
/// </summary>
public sealed partial class CampaignTally(IReadOnlyList<string>? profiles = null)
{
    private readonly ConcurrentDictionary<string, ScenarioTally> _scenarios = new();

    /// <summary>The persistence profiles whose verdicts were asked for (every known one by default).</summary>
    public IReadOnlyList<string> Profiles { get; } = profiles ?? [.. Storage.Faults.Profiles.KnownProfiles.Names];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Counts of a scenario, or of one chain (which forwards every count to its scenario's tally).</summary>
    public sealed partial class ScenarioTally(string name, IReadOnlyList<string> profiles, ScenarioTally? parent = null)
    {
        private int _states;
        private int _cycles;
        private int _fatalStarts;
        private int _atRisk;
        private int _killsBeforeReady;
        private int _killsAfterReady;
        private int _duplicates;

        public string Name { get; } = name;

        public int States => Volatile.Read(ref _states);

        public int Cycles => Volatile.Read(ref _cycles);

        public int FatalStarts => Volatile.Read(ref _fatalStarts);

        /// <summary>Checked states in which the crash put an acknowledged durable record at risk (fault-model.md §5).</summary>
        public int StatesAtRisk => Volatile.Read(ref _atRisk);

        public int KillsBeforeReady => Volatile.Read(ref _killsBeforeReady);

        public int KillsAfterReady => Volatile.Read(ref _killsAfterReady);

        /// <summary>Crash states composed but not checked, because another state of the same kill left the same directory.</summary>
        public int Duplicates => Volatile.Read(ref _duplicates);

        /// <summary>The crash states this scenario was given (null: it ran for a time or a number of chains).</summary>
        public int? Budget { get; set; }

        /// <summary>Why fewer states than <see cref="Budget"/> were checked (null when the budget was met).</summary>
        public string? ShortBecause { get; set; }

        public ConcurrentQueue<ViolationRecord> Violations { get; } = new();

        /// <summary>The chains run so far (scenario tallies only).</summary>
        public ConcurrentQueue<ChainRecord> Chains { get; } = new();

        public TimeSpan Elapsed { get; set; }

        /// <summary>Where the scenario's time went, summed over its workers (<see cref="StageTimes"/>).</summary>
        public IReadOnlyList<(StageTimes.Stage Stage, TimeSpan Total, long Count)> Stages { get; set; } = [];

        /// <summary>A crash state checked and passed; it counts for each profile in <paramref name="admittedBy"/> (null: every requested profile, as a process crash).</summary>
        public void StateChecked(bool durableDataAtRisk, IEnumerable<string>? admittedBy = null)
        {
            foreach (var profile in Requested(admittedBy))
                Profile(profile).StateChecked(durableDataAtRisk);
            Counted(durableDataAtRisk);
        }

        /// <summary>The scenario-wide counts (each state once, whatever admits it), up to the scenario's tally.</summary>
        private void Counted(bool durableDataAtRisk)
        {
            Interlocked.Increment(ref _states);
            if (durableDataAtRisk)
                Interlocked.Increment(ref _atRisk);
            parent?.Counted(durableDataAtRisk);
        }

        /// <summary>A kill (timed, or a crash point) landed before the backend said ready, or after.</summary>
        public void Kill(bool beforeReady)
        {
            Interlocked.Increment(ref beforeReady ? ref _killsBeforeReady : ref _killsAfterReady);
            parent?.Kill(beforeReady);
        }

        public void DuplicatesSkipped(int count)
        {
            Interlocked.Add(ref _duplicates, count);
            parent?.DuplicatesSkipped(count);
        }

        public void Cycle()
        {
            Interlocked.Increment(ref _cycles);
            parent?.Cycle();
        }

        /// <summary>The name the backend gave in its first ready event (bounded), for the certificate.</summary>
        public string? ReadyName { get; private set; }

        public void SawReady(string name)
        {
            if (ReadyName == null && name.Length > 0)
                ReadyName = CrashLab.Protocol.WireText.Clip(name, 120);
            parent?.SawReady(name);
        }

        /// <summary>The backend's own words at the last honest refusal to start (bounded), for the reports.</summary>
        public string? LastFatal { get; private set; }

        /// <summary>A chain ended because the backend honestly refused to start (a fault explains it); <paramref name="reason"/> is what it said.</summary>
        public void FatalStart(string reason)
        {
            Interlocked.Increment(ref _fatalStarts);
            LastFatal = CrashLab.Protocol.WireText.Clip(reason, 1000);
            parent?.FatalStart(reason);
        }

        public void Violation(ViolationRecord record)
        {
            Violations.Enqueue(record);
            parent?.Violation(record);
        }

        /// <summary>Adds counts taken elsewhere (a merged shard's).</summary>
        public void Add(int states, int cycles, int fatalStarts, int atRisk, int killsBeforeReady, int killsAfterReady)
        {
            Interlocked.Add(ref _states, states);
            Interlocked.Add(ref _cycles, cycles);
            Interlocked.Add(ref _fatalStarts, fatalStarts);
            Interlocked.Add(ref _atRisk, atRisk);
            Interlocked.Add(ref _killsBeforeReady, killsBeforeReady);
            Interlocked.Add(ref _killsAfterReady, killsAfterReady);
        }
    }

    public ScenarioTally For(string scenario) => _scenarios.GetOrAdd(scenario, name => new ScenarioTally(name, Profiles));

    public IReadOnlyList<ScenarioTally> Scenarios => [.. _scenarios.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    public int States => _scenarios.Values.Sum(s => s.States);

    /// <summary>The name the backend gave in ready (the first scenario's that saw one).</summary>
    public string? BackendName => Scenarios.Select(s => s.ReadyName).FirstOrDefault(n => n != null);

    public int Violations => _scenarios.Values.Sum(s => s.Violations.Count);

    /// <summary>The campaign ran to its end (or to a graceful stop); false while it runs, so a report left by a killed harness says so.</summary>
    public bool Finished { get; set; }

    /// <summary>Set when a signal stopped the campaign early (SIGINT, SIGTERM).</summary>
    public string? StoppedBy { get; set; }

    /// <summary>
    /// fail once a violation was found (stopped or not); otherwise pass only for a run that
    /// finished: a stopped run is "stopped", and a report written while it runs (all a harness
    /// killed outright leaves) is "incomplete". An interrupted run never reads as a pass.
    /// </summary>
    public string Verdict => Violations > 0 ? "fail" : !Finished ? "incomplete" : StoppedBy != null ? "stopped" : "pass";

    /// <summary>Whether the run ended before its work was done (stopped, or still running when the report was written).</summary>
    public bool Interrupted => !Finished || StoppedBy != null;

    /// <summary>A scenario the run never reached: not one cycle of it ran.</summary>
    public bool Skipped(string scenario) => Interrupted && For(scenario).Cycles == 0;

    /// <summary>Wall-clock time; a merged report sets it to its longest shard's.</summary>
    public TimeSpan Elapsed
    {
        get => _elapsed ?? _clock.Elapsed;
        set => _elapsed = value;
    }

    private TimeSpan? _elapsed;

    public string ProgressLine()
        => $"[{Elapsed.TotalSeconds,5:0}s] crash states checked {States} | violations {Violations} | {States / Math.Max(Elapsed.TotalSeconds, 0.001):0.0} states/s";
}
