using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Harness.WhiteBox;

/// <summary>
/// One white-box run, the unit that campaigns, replay and shrinking all execute: start the backend
/// on the shim under a fault plan with a fresh trace directory, check its recovery, send the load,
/// let it die (its crash point, or a timed kill), then build crash states from its undo journal
/// and check each with a fresh backend. With the same inputs it does the same thing.
/// </summary>
public sealed class WhiteBoxRun(BackendSpec backend, WorkloadProfile profile, HarnessTimeouts timeouts)
{
    private static readonly string[] MediaKinds = ["bit_flip", "misdirect", "read_eio"];

    public async Task<WhiteBoxOutcome> ExecuteAsync(string dataDir, ChainModel model, WhiteBoxInput input, string workDir, CancellationToken cancellationToken)
    {
        var trace = Directory.CreateDirectory(Path.Combine(workDir, "trace")).FullName;
        var planFile = Path.Combine(workDir, "plan.json");
        await File.WriteAllTextAsync(planFile, input.Plan.ToJson(), cancellationToken).ConfigureAwait(false);

        var process = await BackendProcess.SpawnAsync(backend, new BackendEnvironment(dataDir, planFile, trace), timeouts, cancellationToken).ConfigureAwait(false);
        WorkloadRunner runner;
        await using (process.ConfigureAwait(false))
        {
            if (await WaitForStartAsync(process, input.Plan, cancellationToken).ConfigureAwait(false) is { } startProblem)
            {
                if (startProblem.Stage != "killed-in-recovery")
                    return startProblem;
                return await CheckStatesAsync(CrashStateBuilder.Load(dataDir, trace), model, input, workDir, [], cancellationToken).ConfigureAwait(false);
            }

            if (process.Fatal != null)
                return new WhiteBoxOutcome { BackendFatal = true, Stderr = process.Stderr.ToString() };
            if (!model.Started)
            {
                model.Start(process.Ready!);
            }
            else if (await CheckAsync(process, model, cancellationToken).ConfigureAwait(false) is { } violation)
            {
                return new WhiteBoxOutcome { Violation = violation, Stage = "recovery", Stderr = process.Stderr.ToString() };
            }

            runner = new WorkloadRunner(process, model, new WorkloadGenerator(profile, input.WorkloadSeed));
            if (input.Requests != null)
                runner.Script(input.Requests);
            await LoadAsync(process, runner, input, cancellationToken).ConfigureAwait(false);
            process.Kill();
            await process.WaitForExitAsync(timeouts.Request).ConfigureAwait(false);
            if (runner.Violations.FirstOrDefault() is { } runViolation)
                return new WhiteBoxOutcome { Violation = runViolation, Stage = "run", Requests = [.. runner.Requests], Stderr = process.Stderr.ToString() };
        }

        if (InjectedMedia(trace))
            model.MediaFaultPending = true;
        var builder = CrashStateBuilder.Load(dataDir, trace);
        return await CheckStatesAsync(builder, model, input, workDir, [.. runner.Requests], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads until the requests run out, the backend dies (its crash point), or the timed kill.</summary>
    private static async Task LoadAsync(BackendProcess process, WorkloadRunner runner, WhiteBoxInput input, CancellationToken cancellationToken)
    {
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var killOnTime = kill.Token.Register(process.Kill).ConfigureAwait(false);
        if (input.KillAfterMs is { } ms)
            kill.CancelAfter(ms);
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

    private async Task<WhiteBoxOutcome> CheckStatesAsync(CrashStateBuilder builder, ChainModel model, WhiteBoxInput input, string workDir, List<RecordedRequest> requests, CancellationToken cancellationToken)
    {
        (string, ChainModelState)? continuation = null;
        var continuationTorn = -1;
        var checkedStates = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var modelAfterRun = input.ModelAfterRun ?? model.ToState();
        for (var i = 0; i < input.States.Count && checkedStates < (input.StatesWanted ?? int.MaxValue); i++)
        {
            var choice = input.States[i];
            var state = builder.Compose(CrashModes.Parse(choice.Mode), choice.Seed, choice.SectorSize);
            // A kill that left nothing pending gives one state however it is composed: checking
            // it six times is not six crash states. Under read faults each recovery differs.
            if (input.RecoveryPlan == null && !seen.Add(state.Digest()))
                continue;
            var stateDir = Path.Combine(workDir, $"state-{i}");
            CrashStateBuilder.WriteTo(state, stateDir);
            var stateModel = ChainModel.FromState(modelAfterRun);
            var (violation, stderr, recovered) = await RecoverStateAsync(stateDir, stateModel, input.RecoveryPlan, workDir, i, cancellationToken).ConfigureAwait(false);
            checkedStates++;
            if (violation != null)
            {
                return new WhiteBoxOutcome
                {
                    Violation = violation, Stage = "power-loss", FailingState = choice, Requests = requests,
                    ReplayPoint = builder.ReplayPoint, StatesChecked = checkedStates, Stderr = stderr, ModelAfterRun = modelAfterRun,
                };
            }

            // The chain goes on from the most damaged state recovered: bugs in cleaning up a torn
            // tail (not cutting it, say) show only when the next life appends and crashes again.
            if (recovered && state.TornWrites > continuationTorn)
                (continuation, continuationTorn) = ((stateDir, stateModel.ToState()), state.TornWrites);
        }

        return new WhiteBoxOutcome
        {
            Requests = requests, ReplayPoint = builder.ReplayPoint, StatesChecked = checkedStates, Continuation = continuation,
            BackendFatal = continuation == null && checkedStates > 0,
        };
    }

    /// <summary>Recovers one crash state with a fresh backend and judges it; a read-EIO plan may make it fail honestly first.</summary>
    /// <returns>A violation, or whether the state was recovered (false: the backend honestly could not start after media damage).</returns>
    private async Task<(Violation? Violation, string? Stderr, bool Recovered)> RecoverStateAsync(string stateDir, ChainModel model, FaultPlan? recoveryPlan, string workDir, int index, CancellationToken cancellationToken)
    {
        if (recoveryPlan != null)
        {
            var planFile = Path.Combine(workDir, $"recovery-plan-{index}.json");
            // Each crash state's recovery meets its own read errors, not the same ones at the same operations.
            var statePlan = recoveryPlan with { Seed = SplitMix.Hash(recoveryPlan.Seed, (ulong)index) };
            await File.WriteAllTextAsync(planFile, statePlan.ToJson(), cancellationToken).ConfigureAwait(false);
            var copy = stateDir + "-eio";
            CopyDirectory(stateDir, copy);
            var faulted = await StartAsync(new BackendEnvironment(copy, planFile, Directory.CreateDirectory(Path.Combine(workDir, $"trace-eio-{index}")).FullName), cancellationToken).ConfigureAwait(false);
            if (faulted.Outcome?.Violation is { } startViolation)
                return (startViolation, faulted.Outcome.Stderr, false);
            await using (faulted.Process!.ConfigureAwait(false))
            {
                // Failing to start on a read error is honest; starting means the recovery must still be right.
                if (faulted.Process!.Fatal == null)
                {
                    var probeModel = ChainModel.FromState(model.ToState());
                    probeModel.MediaFaultPending = true;
                    if (await CheckAsync(faulted.Process, probeModel, cancellationToken, readErrorsInjected: true).ConfigureAwait(false) is { } eioViolation)
                        return (eioViolation, faulted.Process.Stderr.ToString(), false);
                }
            }
        }

        var started = await StartAsync(new BackendEnvironment(stateDir, null, Directory.CreateDirectory(Path.Combine(workDir, $"trace-state-{index}")).FullName), cancellationToken).ConfigureAwait(false);
        if (started.Outcome != null)
            return (started.Outcome.Violation, started.Outcome.Stderr, false);
        await using (started.Process!.ConfigureAwait(false))
        {
            if (started.Process!.Fatal is { } fatal)
            {
                // Honest after media damage (rule 6); with no media fault, the state is one the backend must recover.
                return model.MediaFaultPending
                    ? (null, null, false)
                    : (new Violation(Rules.Liveness, $"the backend cannot start on a crash state the persistence model allows: {fatal}"), started.Process.Stderr.ToString(), false);
            }

            var violation = await CheckAsync(started.Process, model, cancellationToken).ConfigureAwait(false);
            return (violation, started.Process.Stderr.ToString(), violation == null);
        }
    }

    /// <summary>Null when ready (or honestly fatal); a crash point firing during recovery is a kill there, not a finding.</summary>
    private async Task<WhiteBoxOutcome?> WaitForStartAsync(BackendProcess process, FaultPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitForStartAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (BackendFindingException finding)
        {
            return new WhiteBoxOutcome { Violation = new Violation(finding.Rule, finding.Message), Stage = "recovery", Stderr = process.Stderr.ToString() };
        }
        catch (BackendExitedException exited)
        {
            const int KilledBySigkill = 137;
            if (plan.Crash != null && await process.WaitForExitAsync(timeouts.Request).ConfigureAwait(false) == KilledBySigkill)
                return new WhiteBoxOutcome { Stage = "killed-in-recovery" };
            return new WhiteBoxOutcome
            {
                Violation = new Violation(Rules.Protocol, $"the backend exited without a ready or fatal event ({exited.Message})"),
                Stage = "recovery",
                Stderr = process.Stderr.ToString(),
            };
        }
    }

    private async Task<(BackendProcess? Process, WhiteBoxOutcome? Outcome)> StartAsync(BackendEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            return (await BackendProcess.StartAsync(backend, environment, timeouts, cancellationToken).ConfigureAwait(false), null);
        }
        catch (BackendFindingException finding)
        {
            return (null, new WhiteBoxOutcome { Violation = new Violation(finding.Rule, finding.Message), Stage = "recovery" });
        }
        catch (BackendExitedException exited)
        {
            return (null, new WhiteBoxOutcome { Violation = new Violation(Rules.Protocol, $"the backend exited without a ready or fatal event ({exited.Message})"), Stage = "recovery" });
        }
    }

    private static async Task<Violation?> CheckAsync(BackendProcess process, ChainModel model, CancellationToken cancellationToken, bool readErrorsInjected = false)
    {
        var check = new RecoveryCheck(model, process.Ready!);
        List<Violation>? violations;
        try
        {
            violations = await LogFetcher.FetchAsync(process, process.Ready!, check, cancellationToken, readErrorsInjected).ConfigureAwait(false);
            if (violations == null)
                return null; // an injected read error ended the check; the clean recovery that follows is judged in full
        }
        catch (BackendFindingException finding)
        {
            violations = [new Violation(finding.Rule, finding.Message)];
        }
        catch (BackendExitedException exited)
        {
            violations = [new Violation(Rules.Liveness, $"the backend exited while its recovered log was being read: {exited.Message}")];
        }

        if (violations.Count > 0)
            return violations[0];
        model.Accept(process.Ready!, check.Matched);
        return null;
    }

    private static bool InjectedMedia(string trace)
    {
        var log = Path.Combine(trace, "injected.log");
        return File.Exists(log) && File.ReadLines(log).Any(line => MediaKinds.Any(kind => line.Contains($" {kind} ", StringComparison.Ordinal)));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}
