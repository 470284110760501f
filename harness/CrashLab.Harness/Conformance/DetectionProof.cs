using System.Diagnostics;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Conformance;

/// <summary>
/// Shows the suite's detection power: runs every mutant against the scenario built for its bug,
/// one worker each (so the count of crash states to detection is exact), stopping at the first
/// violation or at <see cref="DetectionTarget.Budget"/> crash states.
/// </summary>
public sealed class DetectionProof(Func<string, BackendSpec> mutantBackend, ScenarioCatalog catalog, ulong seed, string outDir)
{
    /// <summary>Mutants run at once (each on one worker).</summary>
    public int Parallel { get; init; } = 2;

    public int Budget { get; init; } = DetectionTarget.Budget;

    public HarnessTimeouts Timeouts { get; init; } = HarnessTimeouts.Default;

    /// <summary>The persistence profiles whose crash states are checked (null: every known one).</summary>
    public IReadOnlyList<string>? Profiles { get; init; }

    /// <summary>Called with each result as it completes.</summary>
    public Action<DetectionResult>? Completed { get; init; }

    public async Task<IReadOnlyList<DetectionResult>> RunAsync(IReadOnlyList<DetectionTarget> targets, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, Parallel));
        // Each run at once has a slot number of its own: its worker's number, so that runs side by
        // side on FUSE get different CPUs (BackendSpec.OnWorker).
        var free = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, Math.Max(1, Parallel)));
        var runs = targets.Select(async target =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            free.TryDequeue(out var slot);
            try
            {
                var result = await RunOneAsync(target, slot, cancellationToken).ConfigureAwait(false);
                Completed?.Invoke(result);
                return result;
            }
            finally
            {
                free.Enqueue(slot);
                slots.Release();
            }
        }).ToList();
        return await Task.WhenAll(runs).ConfigureAwait(false);
    }

    /// <summary>How each mutant is run: as it is, or on a FUSE mount (prove --fs fuse).</summary>
    public Func<BackendSpec, BackendSpec> Placement { get; init; } = backend => backend;

    private async Task<DetectionResult> RunOneAsync(DetectionTarget target, int slot, CancellationToken cancellationToken)
    {
        var scenario = catalog.Select(target.Scenario)[0];
        var backend = Placement(target.Backend(mutantBackend));
        var settings = new CampaignSettings(backend, backend.Name, false, [scenario], seed, 1, Path.Combine(outDir, "mutants", target.Mutant))
        {
            StatesPerScenario = Budget,
            Timeouts = Timeouts,
            Progress = null,
            Profiles = Profiles,
            FirstWorker = slot,
        };
        var clock = Stopwatch.StartNew();
        var tally = await new CampaignRunner(settings).RunAsync(cancellationToken).ConfigureAwait(false);
        var scenarioTally = tally.For(scenario.Name);
        var first = scenarioTally.Violations.FirstOrDefault();
        // The states checked up to the first violation, the one that caught the bug included: a kill
        // whose state failed one profile goes on checking the others' states, not part of the detection.
        var states = first?.StatesChecked ?? scenarioTally.States;
        return new DetectionResult(target.Mutant, scenario.Level, scenario.Name, first != null, states, clock.Elapsed, first?.Violation.Rule, first?.CaseFile)
        {
            CaughtUnder = first == null ? null : scenarioTally.Profiles.Where(scenarioTally.Failed).ToList(),
        };
    }
}
