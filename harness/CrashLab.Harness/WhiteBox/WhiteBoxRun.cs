using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Harness.WhiteBox;

/// <summary>
/// One white-box run, the unit that campaigns, replay and shrinking all execute: start the backend
/// on the shim under a fault plan with a fresh trace directory, judge its recovery, send the load,
/// let it die (its crash point, or a timed kill), then build crash states from its undo journal
/// and judge each with a fresh backend. With the same inputs it does the same thing.
/// </summary>
public sealed class WhiteBoxRun(BackendSpec backend, WorkloadProfile profile, HarnessTimeouts timeouts)
{
    private static readonly string[] MediaKinds = ["bit_flip", "misdirect", "read_eio"];

    public async Task<WhiteBoxOutcome> ExecuteAsync(string dataDir, ChainModel model, WhiteBoxInput input, string workDir, CancellationToken cancellationToken)
    {
        var trace = Directory.CreateDirectory(Path.Combine(workDir, "trace")).FullName;
        var planFile = Path.Combine(workDir, "plan.json");
        await File.WriteAllTextAsync(planFile, input.Plan.ToJson(), cancellationToken).ConfigureAwait(false);
        var faultsPlanned = input.Plan.Faults.Length > 0 || model.MediaFaultPending;

        using var pacing = OperationPacing.Create(Path.Combine(workDir, "pacing"));
        var process = await BackendProcess.SpawnAsync(backend, new BackendEnvironment(dataDir, planFile, trace, Pacing: Path.Combine(workDir, "pacing")), timeouts, cancellationToken).ConfigureAwait(false);
        WorkloadRunner runner;
        string? readyName;
        (double Ms, string KilledBy) kill;
        long killedAt;
        await using (process.ConfigureAwait(false))
        {
            // The run's own start may meet its plan's faults (a full disk, a read error) during recovery.
            var judge = new RecoveryJudge(model, faultsExplainRefusal: faultsPlanned);
            RecoveryVerdict verdict;
            try
            {
                RecoveryVerdict? notReady;
                using (StageTimes.Time(StageTimes.Stage.SpawnToReady))
                    notReady = await judge.AwaitReadyAsync(process, cancellationToken).ConfigureAwait(false);
                verdict = notReady ?? await judge.JudgeAsync(new ProtocolLog(process, cancellationToken)).ConfigureAwait(false);
            }
            catch (BackendFindingException finding)
            {
                return new WhiteBoxOutcome { Violation = Violation.From(finding), Stage = "recovery", Stderr = process.Stderr.ToString(), Ready = process.Ready };
            }

            // The crash point can fire while the backend recovers, or while the judge reads its log or
            // probes it: a kill there, not a finding.
            if (verdict.Outcome != RecoveryVerdict.Kind.Accepted && process.Fatal == null && await KilledByCrashPointAsync(process, input.Plan).ConfigureAwait(false))
            {
                var states = await CheckStatesAsync(CrashStateBuilder.Load(dataDir, trace), model, input, workDir, [], (0, Reports.Timeline.CrashPoint), cancellationToken).ConfigureAwait(false);
                return states with { KilledBeforeReady = process.Ready == null };
            }

            if (verdict.Violation is { } violation)
                return new WhiteBoxOutcome { Violation = violation, Stage = "recovery", Stderr = process.Stderr.ToString(), Ready = process.Ready };
            if (verdict.Outcome == RecoveryVerdict.Kind.Refused)
                return new WhiteBoxOutcome { BackendFatal = true, FatalReason = verdict.Reason, Stderr = process.Stderr.ToString() };

            readyName = process.Ready?.Backend;
            runner = new WorkloadRunner(process, model, new WorkloadGenerator(profile, input.WorkloadSeed), faultsPlanned) { Pacing = pacing, KillAfterRequests = input.KillAfterRequests };
            if (input.Requests != null)
                runner.Script(input.Requests);
            using (StageTimes.Time(StageTimes.Stage.LoadWindow))
                await LoadAsync(process, runner, input, pacing, cancellationToken).ConfigureAwait(false);
            kill = (runner.Elapsed, KilledBy(process, pacing));
            killedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            process.Kill();
            await process.WaitForExitAsync(timeouts.Request).ConfigureAwait(false);
            if (runner.Violations.FirstOrDefault() is { } runViolation)
                return new WhiteBoxOutcome { Violation = runViolation, Stage = "run", Requests = [.. runner.Requests], Stderr = process.Stderr.ToString() };
        }

        StageTimes.Add(StageTimes.Stage.KillAndReap, System.Diagnostics.Stopwatch.GetElapsedTime(killedAt));
        var outcome = await CheckRunAsync(dataDir, trace, model, [.. runner.Requests], input, workDir, kill, cancellationToken).ConfigureAwait(false);
        return outcome with { ReadyName = readyName, KilledBy = kill.KilledBy };
    }

    /// <summary>
    /// What ended the load: the armed kill (the shim says so in the pacing file), the plan's crash
    /// point (the backend died with no kill from the harness), or the harness's SIGKILL (at the
    /// drawn time, after its requests, or just after this for a backend still running).
    /// </summary>
    private static string KilledBy(BackendProcess process, OperationPacing pacing)
        => pacing.KilledByArmedKill ? Reports.Timeline.ArmedKill
            : process.HasExited && !process.KilledByHarness ? Reports.Timeline.CrashPoint
            : Reports.Timeline.TimedKill;

    private async Task<WhiteBoxOutcome> CheckRunAsync(string dataDir, string trace, ChainModel model, List<RecordedRequest> requests, WhiteBoxInput input, string workDir, (double Ms, string KilledBy) kill, CancellationToken cancellationToken)
    {
        var injected = Injected(trace);
        model.RequestFaultsInjected |= injected.Count > 0;
        if (injected.Any(line => MediaKinds.Any(kind => line.Contains($" {kind} ", StringComparison.Ordinal))))
            model.InjectMediaFault();
        CrashStateBuilder builder;
        using (StageTimes.Time(StageTimes.Stage.LoadJournal))
            builder = CrashStateBuilder.Load(dataDir, trace);
        return await CheckStatesAsync(builder, model, input, workDir, requests, kill, cancellationToken, injected).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads until the requests run out, the backend dies (its crash point), or the timed kill. The
    /// timed kill is armed at the drawn time and the shim (in the backend's process, or in the FUSE
    /// daemon, which fences the backend's group) fires it before the backend's next flush that finds
    /// operations unsynced (<see cref="OperationPacing.ArmKill"/>): a kill at a random instant mostly
    /// found everything synced and left one crash state. The harness kills at twice the drawn time at the latest.
    /// </summary>
    private static async Task LoadAsync(BackendProcess process, WorkloadRunner runner, WhiteBoxInput input, OperationPacing pacing, CancellationToken cancellationToken)
    {
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var killOnTime = kill.Token.Register(process.Kill).ConfigureAwait(false);
        var arm = new Timer(_ => pacing.ArmKill());
        await using var armed = arm.ConfigureAwait(false); // disposed (its callback done) before the pacing file is
        if (input.KillAfterMs is { } ms)
        {
            arm.Change(ms, Timeout.Infinite);
            kill.CancelAfter(2 * ms);
        }
        else
            kill.CancelAfter(TimeSpan.FromSeconds(60)); // a script that never reaches its crash point still ends
        try
        {
            await runner.RunAsync(kill.Token).ConfigureAwait(false);
        }
        catch (BackendExitedException)
        {
        }
    }

    /// <summary>
    /// Checks the crash states of one kill. A state's backend is reaped while the next state is
    /// built and its backend starts (their directories and mounts differ); every one is gone before
    /// this returns, so the state the chain goes on from is quiet when it is moved.
    /// The states come from <see cref="KillStates"/>. A violation fails the profiles that admit its
    /// state; the states the others admit are still checked, and the chain goes on from a state
    /// every profile still passing admits.
    /// </summary>
    private async Task<WhiteBoxOutcome> CheckStatesAsync(CrashStateBuilder builder, ChainModel model, WhiteBoxInput input, string workDir, List<RecordedRequest> requests, (double Ms, string KilledBy) kill, CancellationToken cancellationToken, IReadOnlyList<string>? injected = null)
    {
        var reaping = new List<Task>();
        try
        {
            return await CheckEachStateAsync(builder, model, input, workDir, requests, kill, reaping, injected, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Task.WhenAll(reaping).ConfigureAwait(false);
        }
    }

    private async Task<WhiteBoxOutcome> CheckEachStateAsync(CrashStateBuilder builder, ChainModel model, WhiteBoxInput input, string workDir, List<RecordedRequest> requests, (double Ms, string KilledBy) kill, List<Task> reaping, IReadOnlyList<string>? injected, CancellationToken cancellationToken)
    {
        (string, ChainModelState, IReadOnlyList<string>?)? continuation = null;
        var continuationTorn = -1;
        var (checkedStates, atRisk) = (0, 0);
        string? refusal = null;
        var checkedList = new List<CheckedState>();
        var findings = new List<WhiteBoxOutcome>();
        var passing = (input.Profiles ?? KnownProfiles.Names.ToList()).ToList();
        var modelAfterRun = input.ModelAfterRun ?? model.ToState();
        KillPlan plan;
        using (StageTimes.Time(StageTimes.Stage.PlanStates))
            plan = KillStates.Plan(builder, input);
        var launched = new Dictionary<int, LaunchedState>();
        try
        {
            for (var i = 0; i < plan.States.Count && passing.Count > 0; i++)
            {
                var state = plan.States[i];
                if (NotWanted(state))
                    continue;
                var current = launched.Remove(i, out var ahead) ? ahead : Launch(i);
                // The next state's backend starts while this one's is judged: each state has its own
                // directory, model and backend, so neither sees the other; the verdicts are still taken
                // in order, and one a finding here makes unwanted is thrown away unread.
                var next = Enumerable.Range(i + 1, plan.States.Count - i - 1).FirstOrDefault(j => !NotWanted(plan.States[j]), -1);
                if (next >= 0 && !launched.ContainsKey(next))
                    launched[next] = Launch(next);
                var (stateDir, stateModel, tornWrites) = (current.Dir, current.Model, current.TornWrites);
                var (verdict, stderr, ready) = await current.Check.ConfigureAwait(false);
                checkedStates++;
                atRisk += verdict.DurableDataAtRisk ? 1 : 0;
                refusal = verdict.Reason ?? refusal;
                checkedList.Add(new CheckedState(state.AdmittedBy, verdict.DurableDataAtRisk));
                // Recovered, and admitted by every profile still passing: the chain could go on from it.
                var canContinueFrom = verdict.Violation == null && verdict.Outcome == RecoveryVerdict.Kind.Accepted
                    && (state.AdmittedBy == null || passing.All(state.AdmittedBy.Contains));
                if (canContinueFrom && tornWrites > 0 && continuationTorn <= 0)
                {
                    // The kill's first torn state the chain could go on from: its next life's start, now (see RestartAsync).
                    var (restarted, restartStderr, restartReady) = await RestartAsync(stateDir, stateModel, workDir, i, reaping, cancellationToken).ConfigureAwait(false);
                    if (restarted.Violation is { } late)
                        (verdict, stderr, ready) = (RecoveryVerdict.Violated(Violation.OnRestart(late), restarted.DurableDataAtRisk), restartStderr, restartReady);
                }

                if (verdict.Violation is { } violation)
                {
                    findings.Add(new WhiteBoxOutcome
                    {
                        Violation = violation with { AdmittedBy = state.AdmittedBy, PosixOnlyBecause = state.Admission?.PosixOnlyBecause },
                        Stage = "power-loss", FailingState = state.Choice, Requests = requests, ReplayPoint = builder.ReplayPoint,
                        StatesChecked = checkedStates, StatesToFinding = checkedStates, StatesAtRisk = atRisk, Stderr = stderr, ModelAfterRun = modelAfterRun, Ready = ready,
                        Timeline = Reports.Timeline.From(builder.Events, state.Fates, kill.Ms, builder.ReplayPoint.AtOp, kill.KilledBy, injected),
                        ReplayRecoveryPlan = input.RecoveryPlan is { } reads ? PlanMaker.Targeted(reads, ShimEnvironment.StruckReads(FaultedTrace(workDir, i))) : null,
                    });
                    passing.RemoveAll(p => state.AdmittedBy?.Contains(p) != false);
                    if (input.Enumeration == null)
                        break;
                    continue;
                }

                // The chain goes on from the most damaged state recovered that every profile still
                // passing admits (a later finding then holds under each of them): bugs in cleaning up
                // a torn tail (not cutting it, say) show only when the next life starts on what the
                // recovery left, or appends and crashes again.
                if (canContinueFrom && tornWrites > continuationTorn)
                    (continuation, continuationTorn) = ((stateDir, stateModel.ToState(), state.AdmittedBy), tornWrites);
            }
        }
        finally
        {
            await DiscardAsync(launched.Values).ConfigureAwait(false);
        }

        // Once a profile has failed, only the states some profile still passing admits are worth checking.
        bool NotWanted(PlannedState state) => state.AdmittedBy is { } admitted && input.Enumeration != null && !passing.Any(admitted.Contains);

        // Writes the state's directory (one state's copy at a time) and starts recovering it.
        LaunchedState Launch(int index)
        {
            var stateDir = Path.Combine(workDir, $"state-{index}");
            int tornWrites;
            using (StageTimes.Time(StageTimes.Stage.BuildState))
            {
                var image = plan.States[index].Build();
                tornWrites = image.TornWrites;
                builder.WriteTo(image, stateDir);
            }

            var stateModel = ChainModel.FromState(modelAfterRun);
            return new LaunchedState(stateDir, stateModel, tornWrites, RecoverStateAsync(stateDir, stateModel, input.RecoveryPlan, workDir, index, reaping, cancellationToken));
        }

        var outcome = new WhiteBoxOutcome
        {
            Requests = requests, ReplayPoint = builder.ReplayPoint, Continuation = continuation,
            BackendFatal = findings.Count == 0 && continuation == null && checkedStates > 0, FatalReason = refusal,
        };
        outcome = findings.Count == 0 ? outcome : findings[0] with { Continuation = continuation, LaterFindings = findings[1..] };
        return outcome with
        {
            StatesChecked = checkedStates, DuplicateStates = plan.Duplicates, StatesAtRisk = atRisk, Checked = checkedList, Coverage = plan.Coverage, StillPassing = passing,
        };
    }

    /// <summary>A crash state written out and its recovery under way.</summary>
    private sealed record LaunchedState(string Dir, ChainModel Model, int TornWrites, Task<(RecoveryVerdict Verdict, string? Stderr, ReadyEvent? Ready)> Check);

    /// <summary>Waits for the checks started ahead that were not wanted after all (their backends must be gone), ignoring what they found.</summary>
    private static async Task DiscardAsync(IEnumerable<LaunchedState> unread)
    {
        foreach (var state in unread)
        {
            try
            {
                await state.Check.ConfigureAwait(false);
            }
            catch (Exception e) when (e is BackendFindingException or BackendExitedException or BackendSpawnException or OperationCanceledException or IOException)
            {
                // A state nobody reads the verdict of: what went wrong with it is nobody's finding either.
            }
        }
    }

    /// <summary>
    /// Recovers one crash state with a fresh backend and judges it. Under a read-EIO plan the
    /// backend first recovers the state itself while reads fail (it may refuse honestly), and then
    /// restarts on the same directory without faults: whatever it cut or overwrote while it could
    /// not read shows there.
    /// </summary>
    private async Task<(RecoveryVerdict Verdict, string? Stderr, ReadyEvent? Ready)> RecoverStateAsync(string stateDir, ChainModel model, FaultPlan? recoveryPlan, string workDir, int index, List<Task> reaping, CancellationToken cancellationToken)
    {
        if (recoveryPlan != null)
        {
            var planFile = Path.Combine(workDir, $"recovery-plan-{index}.json");
            // Each crash state's recovery meets its own read errors, not the same ones at the same operations.
            var statePlan = recoveryPlan with { Seed = SplitMix.Hash(recoveryPlan.Seed, (ulong)index) };
            await File.WriteAllTextAsync(planFile, statePlan.ToJson(), cancellationToken).ConfigureAwait(false);
            var probeModel = ChainModel.FromState(model.ToState());
            probeModel.InjectMediaFault();
            var faulted = await StartAndJudgeAsync(new RecoveryJudge(probeModel, faultsExplainRefusal: true, readErrorsInjected: true),
                new BackendEnvironment(stateDir, planFile, Directory.CreateDirectory(FaultedTrace(workDir, index)).FullName), cancellationToken).ConfigureAwait(false);
            if (faulted.Verdict.Violation != null)
                return faulted;
        }

        // The clean recovery needs no shim: a FUSE backend recovers on the plain directory, as on a machine after the power came back.
        var clean = await StartAndJudgeAsync(new RecoveryJudge(model, faultsExplainRefusal: model.MediaFaultPending),
            new BackendEnvironment(stateDir, null, Directory.CreateDirectory(Path.Combine(workDir, $"trace-state-{index}")).FullName), cancellationToken, reaping, backend.Unmounted).ConfigureAwait(false);
        return recoveryPlan != null && clean.Verdict.Violation is { } found
            ? (RecoveryVerdict.Violated(Violation.DamagedWhileReadsFailed(found), clean.Verdict.DurableDataAtRisk), clean.Stderr, clean.Ready)
            : clean;
    }

    /// <summary>
    /// The next life's start on a recovered crash state, now rather than after the rest of the kill's
    /// states: a fresh backend on the directory the state's recovery (and its probe append) left,
    /// judged against the model as that recovery left it, exactly as the chain's next cycle would
    /// start on it. A recovery that leaves a torn tail in place (and appends past it) passes its own
    /// check and fails only here. Without it such a bug was caught only after every other state of
    /// the kill, so a kill with more states delayed it (see docs/harness.md, "The order of a kill's
    /// states"). Run once per kill, on its first torn state the chain could go on from, on a copy of
    /// the directory and the model: only a violation counts, and the chain goes on from the state
    /// as before (a second start that refuses leaves it to the next cycle to refuse, as it did).
    /// </summary>
    private async Task<(RecoveryVerdict Verdict, string? Stderr, ReadyEvent? Ready)> RestartAsync(string stateDir, ChainModel model, string workDir, int index, List<Task> reaping, CancellationToken cancellationToken)
    {
        // The first recovery's backend must be gone before its directory is copied.
        Task[] earlier;
        lock (reaping)
            earlier = [.. reaping];
        await Task.WhenAll(earlier).ConfigureAwait(false);
        var copy = CopyDirectory(stateDir, Path.Combine(workDir, $"restart-{index}"));
        return await StartAndJudgeAsync(new RecoveryJudge(ChainModel.FromState(model.ToState()), faultsExplainRefusal: model.MediaFaultPending),
            new BackendEnvironment(copy, null, Directory.CreateDirectory(Path.Combine(workDir, $"trace-restart-{index}")).FullName), cancellationToken, reaping, backend.Unmounted).ConfigureAwait(false);
    }

    private static string CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        return to;
    }

    /// <summary>The trace directory of a crash state's recovery under read faults (its struck reads are logged there).</summary>
    private static string FaultedTrace(string workDir, int index) => Path.Combine(workDir, $"trace-eio-{index}");

    /// <param name="reaping">Where a judged backend without a violation is left to be reaped (null: reaped before this returns; a violation's stderr must be whole).</param>
    /// <param name="unmounted">The backend to start instead of the run's (its <see cref="BackendSpec.Unmounted"/> form), when the start needs no shim.</param>
    private async Task<(RecoveryVerdict Verdict, string? Stderr, ReadyEvent? Ready)> StartAndJudgeAsync(RecoveryJudge judge, BackendEnvironment environment, CancellationToken cancellationToken, List<Task>? reaping = null, BackendSpec? unmounted = null)
    {
        var start = await judge.StartAsync(unmounted ?? backend, environment, timeouts, cancellationToken).ConfigureAwait(false);
        if (start.Process is { } process)
        {
            process.Kill();
            var reaped = ReapAsync(process);
            if (reaping != null && start.Verdict.Violation == null)
            {
                // Two states may be recovering at once (see CheckEachStateAsync).
                lock (reaping)
                    reaping.Add(reaped);
            }
            else
                await reaped.ConfigureAwait(false);
        }

        return (start.Verdict, start.Stderr, start.Ready);
    }

    private static async Task ReapAsync(BackendProcess process)
    {
        using (StageTimes.Time(StageTimes.Stage.KillAndReap))
            await process.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<bool> KilledByCrashPointAsync(BackendProcess process, FaultPlan plan)
    {
        const int KilledBySigkill = 137;
        // A FUSE daemon outlives its killed backend until the kernel's write-back has arrived: a loaded machine may take seconds.
        return plan.Crash != null && await process.ExitedOnItsOwnAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false) == KilledBySigkill;
    }

    private static List<string> Injected(string trace)
    {
        var log = Path.Combine(trace, Storage.Faults.Shim.ShimEnvironment.InjectedLog);
        return File.Exists(log) ? [.. File.ReadLines(log).Where(line => line.Length > 0)] : [];
    }
}
