using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// One data directory through many crashes: start the backend, check its recovery against the
/// model, put load on it, kill it at a random moment (sometimes during recovery), maybe flip bits
/// at rest, and again. The chain ends at the first violation (recorded with a case file), at an
/// honest fatal start, or when the budget says stop — after one last checked restart.
/// </summary>
public sealed class ChainRunner(ChainSettings settings, CampaignTally.ScenarioTally tally)
{
    private readonly SplitMix _random = new(settings.ChainSeed);
    private readonly ChainModel _model = new(new Payloads(settings.ChainSeed));
    private readonly string _dataDir = Path.Combine(settings.WorkDir, "data");
    private int _cycle;

    public async Task RunAsync(Func<bool> mayContinue, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_dataDir);
        try
        {
            var last = false;
            while (!last)
            {
                last = !mayContinue() || cancellationToken.IsCancellationRequested;
                if (!await CycleAsync(finalCheckOnly: last && _model.Started, cancellationToken).ConfigureAwait(false))
                    return;
            }
        }
        finally
        {
            Directory.Delete(settings.WorkDir, recursive: true);
        }
    }

    /// <summary>One start-check-load-kill cycle; false when the chain must end.</summary>
    private async Task<bool> CycleAsync(bool finalCheckOnly, CancellationToken cancellationToken)
    {
        _cycle++;
        tally.Cycle();
        var scenario = settings.Scenario;
        if (_model.Started && !finalCheckOnly && _random.Below(1000) < scenario.KillDuringRecoveryShare * 1000)
            await KillDuringRecoveryAsync(cancellationToken).ConfigureAwait(false);

        var snapshot = CaseFile.Snapshot(_dataDir);
        var modelBefore = _model.ToState();
        var environment = new BackendEnvironment(_dataDir);
        BackendProcess backend;
        try
        {
            backend = await BackendProcess.StartAsync(settings.Backend, environment, settings.Timeouts, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendFindingException finding)
        {
            return Fail("recovery", new Violation(finding.Rule, finding.Message), snapshot, modelBefore, null);
        }
        catch (BackendExitedException exited)
        {
            return Fail("recovery", new Violation(Rules.Protocol, $"the backend exited without a ready or fatal event ({exited.Message})"), snapshot, modelBefore, null);
        }

        await using (backend.ConfigureAwait(false))
        {
            if (backend.Fatal != null)
            {
                tally.FatalStart(); // an honest "cannot start" ends the chain (rule 6 allows it)
                return false;
            }

            if (!_model.Started)
            {
                _model.Start(backend.Ready!);
            }
            else
            {
                var check = new RecoveryCheck(_model, backend.Ready!);
                var violations = await Judge(async () => await LogFetcher.FetchAsync(backend, backend.Ready!, check, cancellationToken).ConfigureAwait(false) ?? []).ConfigureAwait(false);
                if (violations.Count > 0)
                    return Fail("recovery", violations[0], snapshot, modelBefore, backend.Stderr.ToString());
                _model.Accept(backend.Ready!, check.Matched);
                tally.StateChecked();
            }

            if (finalCheckOnly)
            {
                backend.CloseInput();
                await backend.WaitForExitAsync(settings.Timeouts.Request).ConfigureAwait(false);
                return false;
            }

            var runViolation = await LoadAndKillAsync(backend, cancellationToken).ConfigureAwait(false);
            if (runViolation != null)
                return Fail("run", runViolation, snapshot, modelBefore, backend.Stderr.ToString());
        }

        if (_random.Below(1000) < scenario.BitFlipAtRestShare * 1000)
            FlipBitsAtRest();
        return true;
    }

    /// <summary>Load until a random moment, then SIGKILL. The first append after recovery must be accepted (rule 6).</summary>
    private async Task<Violation?> LoadAndKillAsync(BackendProcess backend, CancellationToken cancellationToken)
    {
        var runner = new WorkloadRunner(backend, _model, new WorkloadGenerator(settings.Scenario.Workload, _random.Next()));
        try
        {
            var (probe, handled) = await runner.SubmitAppendAsync(cancellationToken, forceSync: true).ConfigureAwait(false);
            await handled.ConfigureAwait(false);
            if (probe.State == BatchState.Failed && probe.Error is not "no_space")
                return new Violation(Rules.Liveness, $"after recovery the backend refused an append: {probe.Error}");
            using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The SIGKILL lands the moment time is up, with requests in flight: a crash mid-write.
            await using var killOnTime = kill.Token.Register(backend.Kill).ConfigureAwait(false);
            kill.CancelAfter(new WorkloadGenerator(settings.Scenario.Workload, _random.Next()).RunMilliseconds());
            await runner.RunAsync(kill.Token).ConfigureAwait(false);
        }
        catch (BackendExitedException)
        {
        }
        catch (BackendFindingException finding)
        {
            return new Violation(finding.Rule, finding.Message);
        }
        finally
        {
            backend.Kill();
        }

        return runner.Violations.FirstOrDefault() ?? backend.Findings.Select(f => new Violation(f.Rule, f.Message)).FirstOrDefault();
    }

    private async Task KillDuringRecoveryAsync(CancellationToken cancellationToken)
    {
        try
        {
            var backend = await BackendProcess.SpawnAsync(settings.Backend, new BackendEnvironment(_dataDir), settings.Timeouts, cancellationToken).ConfigureAwait(false);
            await Task.Delay(_random.Below(40), cancellationToken).ConfigureAwait(false);
            backend.Kill();
            await backend.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackendFindingException or BackendExitedException)
        {
            // Judged at the next (unkilled) start.
        }
    }

    /// <summary>A media fault at rest: flip one bit somewhere in a non-empty file of the data directory.</summary>
    private void FlipBitsAtRest()
    {
        var files = Directory.GetFiles(_dataDir, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            return;
        var file = files[_random.Below(files.Count)];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        var at = (long)(_random.Next() % (ulong)stream.Length);
        stream.Position = at;
        var value = (byte)stream.ReadByte();
        stream.Position = at;
        stream.WriteByte((byte)(value ^ (1 << _random.Below(8))));
        _model.MediaFaultPending = true;
    }

    private static async Task<List<Violation>> Judge(Func<Task<List<Violation>>> check)
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (BackendFindingException finding)
        {
            return [new Violation(finding.Rule, finding.Message)];
        }
        catch (BackendExitedException exited)
        {
            return [new Violation(Rules.Liveness, $"the backend exited while its recovered log was being read: {exited.Message}")];
        }
    }

    private bool Fail(string stage, Violation violation, Dictionary<string, string> snapshot, ChainModelState model, string? stderr)
    {
        CaseRecorder.Record(settings, tally, _cycle, stage, violation, model, snapshot, stderr);
        return false;
    }
}
