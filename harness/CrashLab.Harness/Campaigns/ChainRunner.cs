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
    private readonly DirectorySnapshot _snapshot = new();
    private int _cycle;
    private (List<RecordedRequest> Requests, double KillMs)? _lastRun;
    private ReadyEvent? _lastReady;
    private TimeSpan _startToReady = TimeSpan.FromMilliseconds(40);
    private TimeSpan _firstChange = TimeSpan.Zero;
    private long _killedAt;
    private CancellationToken _aborted;

    public async Task RunAsync(Func<bool> mayContinue, CancellationToken cancellationToken)
    {
        _aborted = cancellationToken;
        settings.CreateWorkDir();
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

        using (StageTimes.Time(StageTimes.Stage.Snapshot))
            _snapshot.Take(_dataDir);
        var modelBefore = _model.ToState();
        var checking = _model.Started;
        var judge = new RecoveryJudge(_model, faultsExplainRefusal: _model.MediaFaultPending);
        JudgedStart start;
        // Only kills during recovery use the first change: a scenario without them pays no watch per start.
        using (var firstChange = scenario.KillDuringRecoveryShare > 0 ? FirstChange.Watch(_dataDir) : null)
        {
            start = await judge.StartAsync(settings.Backend, new BackendEnvironment(_dataDir), settings.Timeouts, cancellationToken).ConfigureAwait(false);
            // Only a change before ready is recovery's: after it come the judge's probe and the load.
            _firstChange = firstChange?.At is { } at && at < start.SpawnToStart ? at : TimeSpan.Zero;
        }

        _lastReady = start.Ready;
        // A start that broke a rule was a crash state checked as much as one that passed.
        if (checking && start.Verdict.Violation != null)
            tally.StateChecked(start.Verdict.DurableDataAtRisk);
        if (start.Process == null)
            return Ended(start.Verdict, modelBefore, start.Stderr);
        var backend = start.Process;
        await using (backend.ConfigureAwait(false))
        {
            _startToReady = start.SpawnToStart;
            if (backend.Ready is { } ready)
                tally.SawReady(ready.Backend);
            if (start.Verdict.Outcome != RecoveryVerdict.Kind.Accepted)
                return Ended(start.Verdict, modelBefore, start.Stderr);
            if (checking)
                tally.StateChecked(start.Verdict.DurableDataAtRisk);
            if (finalCheckOnly)
            {
                backend.CloseInput();
                await backend.WaitForExitAsync(settings.Timeouts.Request).ConfigureAwait(false);
                return false;
            }

            _lastRun = null;
            var runViolation = await LoadAndKillAsync(backend, cancellationToken).ConfigureAwait(false);
            if (runViolation != null)
                return Fail("run", runViolation, modelBefore, backend.Stderr.ToString());
        }

        StageTimes.Add(StageTimes.Stage.KillAndReap, System.Diagnostics.Stopwatch.GetElapsedTime(_killedAt));

        if (_random.Below(1000) < scenario.BitFlipAtRestShare * 1000)
            FlipBitsAtRest();
        return true;
    }

    /// <summary>A start that was not accepted: a violation (recorded with a case), or an honest refusal that ends the chain.</summary>
    private bool Ended(RecoveryVerdict verdict, ChainModelState modelBefore, string? stderr)
    {
        if (_aborted.IsCancellationRequested)
            return false;
        if (verdict.Violation is { } violation)
            return Fail("recovery", violation, modelBefore, stderr);
        tally.FatalStart(verdict.Reason ?? "refused to start");
        return false;
    }

    /// <summary>Load until a random moment, then SIGKILL with requests in flight: a crash mid-write.</summary>
    private async Task<Violation?> LoadAndKillAsync(BackendProcess backend, CancellationToken cancellationToken)
    {
        var load = new WorkloadGenerator(settings.Scenario.Workload, _random.Next()) { AfterLoweredBound = _model.LastRecoveryLoweredBound };
        var window = new WorkloadGenerator(settings.Scenario.Workload, _random.Next());
        var killAfterMs = window.RunMilliseconds();
        var runner = new WorkloadRunner(backend, _model, load, faultsPossible: _model.MediaFaultPending) { KillAfterRequests = window.RequestsBeforeKill() };
        try
        {
            using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await using var killOnTime = kill.Token.Register(backend.Kill).ConfigureAwait(false);
            kill.CancelAfter(killAfterMs);
            using (StageTimes.Time(StageTimes.Stage.LoadWindow))
                await runner.RunAsync(kill.Token).ConfigureAwait(false);
        }
        catch (BackendExitedException)
        {
        }
        catch (BackendFindingException finding)
        {
            return Violation.From(finding);
        }
        finally
        {
            _lastRun = ([.. runner.Requests], runner.Elapsed);
            _killedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            backend.Kill();
            tally.Kill(beforeReady: false);
        }

        return runner.Violations.FirstOrDefault() ?? backend.Findings.Select(Violation.From).FirstOrDefault();
    }

    /// <summary>
    /// A kill while the backend recovers, timed by what its last start showed. When that start
    /// changed the data directory before ready, the kill waits for this start's first change and
    /// lands uniformly within the time the last one took from its first change to ready: where
    /// recovery rewrites, however few milliseconds a fast file system makes that (a kill before the
    /// first change leaves the directory as it was, a restart like any other). Otherwise it lands
    /// uniformly over the last start's spawn-to-ready, not before an interpreter has even started.
    /// Whether it landed before ready is counted.
    /// </summary>
    private async Task KillDuringRecoveryAsync(CancellationToken cancellationToken)
    {
        var rewrites = _firstChange > TimeSpan.Zero;
        var span = rewrites ? _startToReady - _firstChange : _startToReady;
        var delay = TimeSpan.FromMicroseconds(_random.Below(Math.Max(1, (int)span.TotalMicroseconds + 1)));
        // A delay under the timer's millisecond is a kill from the watcher's own thread, the moment
        // the change is seen: a rewrite on tmpfs can be over before an awaiting task resumes.
        var atOnce = rewrites && delay < TimeSpan.FromMilliseconds(1);
        BackendProcess? started = null;
        using var timing = StageTimes.Time(StageTimes.Stage.KillDuringRecovery);
        try
        {
            using var firstChange = rewrites ? FirstChange.Watch(_dataDir, atOnce ? () => Volatile.Read(ref started)?.Kill() : null) : null;
            var backend = await BackendProcess.SpawnAsync(settings.Backend, new BackendEnvironment(_dataDir), settings.Timeouts, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref started, backend);
            await using (backend.ConfigureAwait(false))
            {
                // A start that changes nothing this time is killed once it has had twice the last start's time.
                if (firstChange != null)
                    await Task.WhenAny(firstChange.Seen, Task.Delay(_startToReady * 2, cancellationToken)).ConfigureAwait(false);
                if (!atOnce)
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                backend.Kill();
                tally.Kill(beforeReady: !await backend.WasReadyAsync().ConfigureAwait(false));
            }
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
        _model.InjectMediaFault();
    }

    /// <summary>
    /// The failing run's transcript for the case (a report draws it): under load, this cycle's; at a
    /// start, the previous cycle's, whose kill left the directory being recovered.
    /// </summary>
    /// <remarks>After an abort the harness killed the backend: what followed is not the backend's doing, and not recorded.</remarks>
    private bool Fail(string stage, Violation violation, ChainModelState model, string? stderr)
    {
        if (_aborted.IsCancellationRequested)
            return false;
        var timeline = _lastRun is { } run ? new Timeline { KillMs = Math.Round(run.KillMs, 2), KilledBy = Timeline.TimedKill } : null;
        CaseRecorder.Record(settings, tally, _cycle, stage, violation, model, _snapshot.ToCaseFile(), stderr, timeline: timeline, transcript: _lastRun?.Requests, ready: _lastReady);
        return false;
    }
}
