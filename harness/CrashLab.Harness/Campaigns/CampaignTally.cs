using System.Collections.Concurrent;
using System.Diagnostics;

namespace CrashLab.Harness.Campaigns;

/// <summary>Counts shared by all workers of a campaign: states checked, violations, chains ended by a fatal start.</summary>
public sealed class CampaignTally
{
    private readonly ConcurrentDictionary<string, ScenarioTally> _scenarios = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public sealed class ScenarioTally(string name)
    {
        private int _states;
        private int _cycles;
        private int _fatalStarts;

        public string Name { get; } = name;

        public int States => Volatile.Read(ref _states);

        public int Cycles => Volatile.Read(ref _cycles);

        public int FatalStarts => Volatile.Read(ref _fatalStarts);

        public ConcurrentQueue<ViolationRecord> Violations { get; } = new();

        public TimeSpan Elapsed { get; set; }

        public void StateChecked() => Interlocked.Increment(ref _states);

        public void Cycle() => Interlocked.Increment(ref _cycles);

        public void FatalStart() => Interlocked.Increment(ref _fatalStarts);
    }

    public ScenarioTally For(string scenario) => _scenarios.GetOrAdd(scenario, name => new ScenarioTally(name));

    public IReadOnlyList<ScenarioTally> Scenarios => [.. _scenarios.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    public int States => _scenarios.Values.Sum(s => s.States);

    public int Violations => _scenarios.Values.Sum(s => s.Violations.Count);

    public TimeSpan Elapsed => _clock.Elapsed;

    public string ProgressLine()
        => $"[{Elapsed.TotalSeconds,5:0}s] crash states checked {States} | violations {Violations} | {States / Math.Max(Elapsed.TotalSeconds, 0.001):0.0} states/s";
}
