using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;
using CrashLab.Harness.WhiteBox;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// A power-loss chain on one data directory: each cycle is a white-box run (fault plan, load,
/// crash point or timed kill), after which several crash states are built from the journal and
/// each is recovered and checked; the chain goes on from one of them. A violation in a state that
/// only some of the requested profiles admit fails those; the chain goes on for the others.
/// </summary>
public sealed class WhiteBoxChainRunner(ChainSettings settings, CampaignTally.ScenarioTally tally)
{
    private readonly SplitMix _random = new(settings.ChainSeed);
    private ChainModel _model = new(new Payloads(settings.ChainSeed));
    private readonly string _dataDir = Path.Combine(settings.WorkDir, "data");
    private readonly DirectorySnapshot _snapshot = new();
    private long _expectedOps = 60;
    private int _cycle;
    private IReadOnlyList<string> _profiles = settings.Profiles ?? [.. Storage.Faults.Profiles.KnownProfiles.Names];

    // The profiles that admit the directory this cycle starts from (null: a fresh one); see StartAdmission.
    private IReadOnlyList<string>? _startAdmittedBy;

    public async Task RunAsync(Func<bool> mayContinue, CancellationToken cancellationToken)
    {
        settings.CreateWorkDir();
        Directory.CreateDirectory(_dataDir);
        var run = new WhiteBoxRun(settings.Backend, settings.Scenario.Workload, settings.Timeouts);
        try
        {
            while (mayContinue() && !cancellationToken.IsCancellationRequested)
            {
                if (!await CycleAsync(run, cancellationToken).ConfigureAwait(false))
                    return;
            }
        }
        finally
        {
            Directory.Delete(settings.WorkDir, recursive: true);
        }
    }

    private async Task<bool> CycleAsync(WhiteBoxRun run, CancellationToken cancellationToken)
    {
        _cycle++;
        tally.Cycle();
        using (StageTimes.Time(StageTimes.Stage.Snapshot))
            _snapshot.Take(_dataDir);
        var modelBefore = _model.ToState();
        var runSeed = _random.Next();
        var window = new WorkloadGenerator(settings.Scenario.Workload, runSeed);
        var input = new WhiteBoxInput
        {
            Plan = PlanMaker.ForRun(settings.Scenario, _random, runSeed, _snapshot.Bytes, _expectedOps),
            RecoveryPlan = PlanMaker.ForRecovery(settings.Scenario, runSeed),
            States = PlanMaker.States(settings.Scenario, _random),
            StatesWanted = settings.Scenario.StatesPerKill,
            Profiles = _profiles,
            Enumeration = settings.Enumeration,
            KillAfterMs = window.RunMilliseconds(),
            KillAfterRequests = window.RequestsBeforeKill(),
            WorkloadSeed = runSeed,
        };
        var cycleDir = Directory.CreateDirectory(Path.Combine(settings.WorkDir, $"cycle-{_cycle}")).FullName;
        var outcome = await run.ExecuteAsync(_dataDir, _model, input, cycleDir, cancellationToken).ConfigureAwait(false);
        // After an abort the harness killed the backend: what followed is not the backend's doing.
        if (cancellationToken.IsCancellationRequested)
            return false;
        tally.Kill(outcome.KilledBeforeReady);
        if (outcome.ReadyName != null)
            tally.SawReady(outcome.ReadyName);
        // The failing state was checked too: a failed scenario counts it, under each profile that admits it.
        foreach (var state in outcome.Checked)
            tally.StateChecked(state.DurableDataAtRisk, state.AdmittedBy);
        tally.DuplicatesSkipped(outcome.DuplicateStates);
        foreach (var coverage in outcome.Coverage.Where(c => _profiles.Contains(c.Profile)))
            tally.ProfileKill(coverage.Profile, coverage.Exhaustive, outcome.Checked.Count(s => s.AdmittedBy?.Contains(coverage.Profile) != false), coverage.Total);
        if (outcome.BackendFatal)
        {
            tally.FatalStart(outcome.FatalReason ?? "no crash state of the cycle could be recovered (each refused honestly)");
            return false;
        }

        if (outcome.Violation is { } violation)
        {
            // The kill's states are all counted by now; each finding came after its own share of them.
            var statesBeforeKill = tally.States - outcome.Checked.Count;
            foreach (var (finding, index) in outcome.LaterFindings.Prepend(outcome).Select((f, i) => (f, i)))
                Fail(finding, finding.Violation!, input, modelBefore, index, statesBeforeKill + finding.StatesToFinding);
            _profiles = [.. _profiles.Where(p => outcome.StillPassing?.Contains(p) == true)];
            if (_profiles.Count == 0 || outcome.Continuation == null || outcome.Stage != "power-loss")
                return false;
        }

        _expectedOps = Math.Max(20, outcome.ReplayPoint?.AtOp ?? 0);
        var (stateDir, model, admittedBy) = outcome.Continuation!.Value;
        Directory.Delete(_dataDir, recursive: true);
        Directory.Move(stateDir, _dataDir);
        _model = ChainModel.FromState(model);
        _startAdmittedBy = admittedBy;
        Directory.Delete(cycleDir, recursive: true);
        return true;
    }

    /// <summary>The case replays exactly: the crash point is where this kill happened, the requests are those sent, the reads that failed are named.</summary>
    private void Fail(WhiteBoxOutcome outcome, Violation violation, WhiteBoxInput input, ChainModelState modelBefore, int finding, int statesChecked)
    {
        violation = StartAdmission.Attribute(violation, settings.Profiles ?? Storage.Faults.Profiles.KnownProfiles.Names, _startAdmittedBy);
        var replay = input with
        {
            Plan = input.Plan with { Crash = outcome.ReplayPoint is { AtOp: > 0 } point ? point : input.Plan.Crash },
            RecoveryPlan = outcome.ReplayRecoveryPlan ?? input.RecoveryPlan,
            Requests = outcome.Requests,
            States = outcome.FailingState != null ? [outcome.FailingState] : [],
            StatesWanted = null,
            Profiles = null,
            Enumeration = null,
            KillAfterMs = null,
            KillAfterRequests = null,
            ModelAfterRun = outcome.ModelAfterRun,
        };
        CaseRecorder.Record(settings, tally, _cycle, outcome.Stage, violation, modelBefore, _snapshot.ToCaseFile(), outcome.Stderr, replay, outcome.Timeline, ready: outcome.Ready, finding: finding, statesChecked: statesChecked);
    }
}
