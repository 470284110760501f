using System.Diagnostics;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Reports;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Runs the scenarios of a campaign one after another, each with N workers on separate data
/// directories, until its budget of crash states (or its share of the time) is spent. Progress
/// goes to stderr each second; the reports are rewritten atomically every few seconds, so a
/// harness killed mid-campaign leaves valid reports of what it finished.
/// </summary>
public sealed class CampaignRunner(CampaignSettings settings)
{
    private CancellationToken _stop;
    private Exception? _reportFailure;
    private string? _runMark;

    public CampaignTally Tally { get; } = new(settings.Profiles);

    /// <param name="cancellationToken">Abort: in-flight cycles are cut short.</param>
    /// <param name="stop">Graceful stop: every chain finishes its current cycle and a last checked restart, then the reports are written.</param>
    /// <exception cref="HarnessWriteException">The reports could not be written (the run stops at the first such failure).</exception>
    public async Task<CampaignTally> RunAsync(CancellationToken cancellationToken, CancellationToken stop = default)
    {
        _stop = stop;
        ScratchSpace.RemoveAbandoned(settings.OutDir);
        var work = ScratchSpace.NewWorkDirectory(settings.OutDir);
        var cases = Path.Combine(settings.OutDir, "cases");
        Directory.CreateDirectory(work);
        // A mark in the report directory (work directories live elsewhere): its loss means the directory was deleted.
        _runMark = Path.Combine(Directory.CreateDirectory(settings.OutDir).FullName, $".crashlab-running-{Environment.ProcessId}");
        File.WriteAllText(_runMark, "");
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var reporting = new CancellationTokenSource();
        var reporter = Task.Run(() => ReportPeriodicallyAsync(failed, reporting.Token), CancellationToken.None);
        try
        {
            var share = settings.Duration / Math.Max(1, settings.Scenarios.Count);
            for (var index = 0; index < settings.Scenarios.Count && !failed.IsCancellationRequested && !stop.IsCancellationRequested; index++)
                await RunScenarioAsync(index, share, work, cases, failed.Token).ConfigureAwait(false);
        }
        finally
        {
            await reporting.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);
            Tally.Finished = true;
            settings.View?.Complete(Tally);
            try
            {
                WriteReports();
            }
            finally
            {
                if (File.Exists(_runMark))
                    File.Delete(_runMark);
                if (Directory.Exists(work))
                    Directory.Delete(work, recursive: true);
            }
        }

        if (_reportFailure != null)
            throw _reportFailure;
        return Tally;
    }

    private async Task RunScenarioAsync(int index, TimeSpan? share, string work, string cases, CancellationToken cancellationToken)
    {
        var scenario = settings.Scenarios[index];
        var tally = Tally.For(scenario.Name);
        var clock = Stopwatch.StartNew();
        var stagesBefore = StageTimes.Snapshot();
        int? budget = settings.Chains != null ? null : settings.StatesPerScenario ?? (share == null ? scenario.Budget : null);
        var claimed = 0;
        var claimedChains = -1;

        // Black-box chains claim one crash state per cycle; white-box cycles check several, so they
        // count what was checked: the budget is a floor for each profile whose verdict is still open.
        IReadOnlyList<string> Open() => settings.KeepGoing ? tally.Profiles : tally.Passing;
        bool WithinBudget(bool claim) => budget == null || (scenario.NeedsShim
            ? Open().Any(p => tally.Profile(p).States < budget)
            : (claim ? Interlocked.Increment(ref claimed) <= budget : Volatile.Read(ref claimed) < budget));
        bool MayContinue(bool claim) =>
            WithinBudget(claim)
            && (share == null || clock.Elapsed < share)
            && Open().Count > 0
            && !cancellationToken.IsCancellationRequested
            && !_stop.IsCancellationRequested;

        // The n-th chain this shard claims is chain shard.Chain(n) of the scenario; its seed depends on nothing else.
        bool ClaimChain(out int chain)
        {
            chain = settings.Shard.Chain(Interlocked.Increment(ref claimedChains));
            return settings.Chains == null || chain < settings.Chains;
        }

        var workers = Enumerable.Range(0, settings.Workers).Select(worker => Task.Run(async () =>
        {
            while (MayContinue(claim: false) && ClaimChain(out var chain))
            {
                var seed = ChainSeed(settings.Seed, scenario.Name, chain);
                var chainTally = new CampaignTally.ScenarioTally(scenario.Name, Open(), tally);
                var cycles = 0;
                bool ChainMayContinue() => ++cycles <= scenario.ChainCycles && MayContinue(claim: true);
                var chainSettings = new ChainSettings(BackendFor(scenario).OnWorker(settings.FirstWorker + worker), settings.BackendLabel, settings.BackendIsCommand, scenario, settings.Seed, seed,
                    Path.Combine(work, scenario.Name, $"w{worker}-c{chain}"), cases, settings.Timeouts) { Profiles = chainTally.Profiles, Enumeration = settings.Enumeration };
                if (scenario.NeedsShim || RunsOnFuseAsProcessKill(scenario))
                    await new WhiteBoxChainRunner(ForFuse(chainSettings), chainTally).RunAsync(ChainMayContinue, cancellationToken).ConfigureAwait(false);
                else
                    await new ChainRunner(chainSettings, chainTally).RunAsync(ChainMayContinue, cancellationToken).ConfigureAwait(false);
                tally.Chains.Enqueue(new ChainRecord(chain, seed, chainTally.States, chainTally.Cycles, chainTally.Violations.Count, chainTally.FatalStarts > 0));
            }
        }, CancellationToken.None)).ToList();

        await Task.WhenAll(workers).ConfigureAwait(false);
        tally.Elapsed = clock.Elapsed;
        tally.Stages = StageTimes.Since(stagesBefore);
        tally.Budget = budget;
        if (budget is { } wanted && tally.States < wanted)
        {
            tally.ShortBecause = Open().Count == 0 ? "a scenario stops once every requested profile has a violation (crashlab campaign --keep-going checks on)"
                : cancellationToken.IsCancellationRequested || _stop.IsCancellationRequested ? "the run was stopped early"
                : tally.FatalStarts > 0 ? "chains ended where the backend honestly refused to start, and no chain was left to claim"
                : "the scenario's chains ended first";
        }
    }

    /// <summary>Chain k of a scenario has the same seed in every run of the campaign seed, sharded or not.</summary>
    public static ulong ChainSeed(ulong campaignSeed, string scenario, int chain)
    {
        var name = 14695981039346656037UL; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in scenario)
            name = (name ^ c) * 1099511628211UL;
        return SplitMix.Hash(campaignSeed, name, (ulong)chain);
    }

    /// <summary>Progress each second, the reports every five; a report that cannot be written stops the run (<paramref name="run"/>).</summary>
    private async Task ReportPeriodicallyAsync(CancellationTokenSource run, CancellationToken stop)
    {
        var tick = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (settings.View is { } view)
                view.Update(Tally);
            else
                settings.Progress?.WriteLine(Tally.ProgressLine());
            if (++tick % 5 != 0)
                continue;
            try
            {
                WriteReports();
            }
            catch (HarnessWriteException e)
            {
                _reportFailure = e;
                await run.CancelAsync().ConfigureAwait(false);
                break;
            }
        }
    }

    /// <summary>
    /// The reports as they stand; the page is drawn again only when it would change beyond its
    /// counters (a new violation) or at the end. A report directory deleted during the run is not
    /// created again (its case files are gone): the run fails saying so.
    /// </summary>
    private void WriteReports()
    {
        // The mark, not the directory: a backend may have created its data directory's path again.
        if (_runMark != null && !File.Exists(_runMark))
            throw new HarnessWriteException($"cannot write {Path.Combine(settings.OutDir, "report.json")}: the report directory was deleted during the run (ENOENT)", new DirectoryNotFoundException(settings.OutDir));
        var violations = Tally.Violations;
        var html = Tally.Finished || violations != Interlocked.Exchange(ref _violationsDrawn, violations);
        ReportWriter.Write(settings, Tally, html: html);
    }

    private int _violationsDrawn = -1;

    /// <summary>
    /// A process-kill scenario on a FUSE backend runs as a white-box chain whose only crash state
    /// keeps every operation (no power loss): its cases then carry the transcript and the operation
    /// of the kill, and replay and shrink exactly like power-loss cases. Bit flips at rest stay with
    /// the black-box chain, which applies them between lives.
    /// </summary>
    private BackendSpec BackendFor(Scenario scenario)
        => settings.MountOnlyForTheShim && !scenario.NeedsShim && settings.Backend.Unmounted is { } plain ? plain : settings.Backend;

    private bool RunsOnFuseAsProcessKill(Scenario scenario) => BackendFor(scenario).Fuse && !scenario.NeedsShim && scenario.BitFlipAtRestShare == 0;

    private ChainSettings ForFuse(ChainSettings chain) => RunsOnFuseAsProcessKill(chain.Scenario)
        ? chain with { Scenario = chain.Scenario with { CrashModes = [Storage.Faults.Model.CrashMode.KeepAll.Name()], SectorSizes = [512], StatesPerKill = 1 } }
        : chain;
}
