using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// The one judge of a start, used by campaigns, white-box runs, replays and the property tests:
/// a refusal to start is honest only where a media fault, read error or full disk was injected
/// into the state; otherwise the whole recovered log is read and checked against the model, the
/// recovery is accepted into it, and a durable probe append must then succeed (rule 6).
/// </summary>
/// <param name="faultsExplainRefusal">A media fault, read error or full disk was injected into this state.</param>
/// <param name="readErrorsInjected">Reads fail on purpose during this recovery: an io answer ends the check unjudged.</param>
public sealed class RecoveryJudge(ChainModel model, bool faultsExplainRefusal, bool readErrorsInjected = false)
{
    /// <summary>
    /// Starts the backend and judges the start: a finding while it starts is a violation, an exit
    /// before ready or a fatal event is a <see cref="Refusal"/>, and a ready backend is judged in full.
    /// </summary>
    public async Task<JudgedStart> StartAsync(BackendSpec backend, BackendEnvironment environment, HarnessTimeouts timeouts, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spawning = StageTimes.Time(StageTimes.Stage.SpawnToReady);
        var process = await BackendProcess.SpawnAsync(backend, environment, timeouts, cancellationToken).ConfigureAwait(false);
        RecoveryVerdict? notReady;
        try
        {
            using (spawning)
                notReady = await AwaitReadyAsync(process, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendFindingException finding)
        {
            notReady = RecoveryVerdict.Violated(Violation.From(finding));
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (notReady != null && process.Fatal == null)
        {
            // The process is gone, but its words stay with the verdict: the case file keeps its stderr.
            await process.DisposeAsync().ConfigureAwait(false);
            return new JudgedStart(notReady, null, clock.Elapsed) { StartStderr = process.Stderr.ToString() };
        }

        var started = clock.Elapsed;
        var verdict = notReady ?? await JudgeAsync(new ProtocolLog(process, cancellationToken)).ConfigureAwait(false);
        // A reply to an id never sent (or a request it called malformed) during the judged start is a finding too.
        if (verdict.Outcome == RecoveryVerdict.Kind.Accepted && process.Findings.FirstOrDefault() is { } stray)
            verdict = RecoveryVerdict.Violated(Violation.From(stray), verdict.DurableDataAtRisk);
        return new JudgedStart(verdict, process, started);
    }

    /// <summary>
    /// Waits for the backend's ready event: null once it is ready, or the verdict on a backend that
    /// answered fatal or exited first (a <see cref="Refusal"/>, in its own words). Protocol findings propagate.
    /// </summary>
    public async Task<RecoveryVerdict?> AwaitReadyAsync(BackendProcess process, CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitForStartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BackendExitedException)
        {
            return Refusal($"exited before ready ({await process.LastWordsAsync().ConfigureAwait(false)})");
        }

        return process.Fatal is { } fatal ? Refusal($"answered fatal: \"{fatal}\"") : null;
    }

    /// <summary>The backend answered fatal or exited before ready; <paramref name="how"/> says which.</summary>
    public RecoveryVerdict Refusal(string how)
        => faultsExplainRefusal ? RecoveryVerdict.Refused($"the backend {how}") : RecoveryVerdict.Violated(Violation.CannotStart(how));

    public async Task<RecoveryVerdict> JudgeAsync(IRecoveredLog log)
    {
        var ready = log.Ready;
        if (!model.Started)
        {
            model.Start(ready);
            return await ProbeAsync(log, atRisk: false).ConfigureAwait(false);
        }

        var check = new RecoveryCheck(model, ready);
        List<Violation>? violations;
        try
        {
            using (StageTimes.Time(StageTimes.Stage.ReadAndJudge))
                violations = await LogFetcher.FetchAsync(log.ReadAsync, ready, check, readErrorsInjected).ConfigureAwait(false);
        }
        catch (BackendFindingException finding)
        {
            violations = [Violation.From(finding)];
        }
        catch (BackendExitedException exited)
        {
            violations = [Violation.ExitedWhileRead(exited.Message)];
        }

        if (violations is { Count: > 0 })
            return RecoveryVerdict.Violated(violations[0], check.DurableDataAtRisk);
        if (violations == null || readErrorsInjected)
            return RecoveryVerdict.Unjudged(check.DurableDataAtRisk); // reads failed on purpose: a clean restart of the same state is judged in full
        model.Accept(ready, check.Matched);
        return await ProbeAsync(log, check.DurableDataAtRisk).ConfigureAwait(false);
    }

    /// <summary>The first append after recovery, synced: it must be accepted, at next_lsn, and made durable.</summary>
    private async Task<RecoveryVerdict> ProbeAsync(IRecoveredLog log, bool atRisk)
    {
        var index = model.NextBatchIndex;
        var batch = model.Issue([new RecordId(index, 0, 8 + index % 57)]);
        AppendAnswer answer;
        try
        {
            using (StageTimes.Time(StageTimes.Stage.Probe))
                answer = await log.AppendAsync([model.Payloads.Bytes(batch.Records[0])], sync: true).ConfigureAwait(false);
        }
        catch (BackendFindingException finding)
        {
            return RecoveryVerdict.Violated(Violation.From(finding), atRisk);
        }
        catch (BackendExitedException)
        {
            // Dying on the probe is honest only where the injected faults explain it; the next start judges what it left.
            return faultsExplainRefusal ? RecoveryVerdict.Accepted(atRisk) : RecoveryVerdict.Violated(Violation.ProbeRefused("died on its first append"), atRisk);
        }

        if (!answer.Ok)
        {
            (batch.State, batch.Error) = (BatchState.Failed, answer.Error);
            return faultsExplainRefusal ? RecoveryVerdict.Accepted(atRisk) : RecoveryVerdict.Violated(Violation.ProbeRefused($"refused its first append: {answer.Error}: {answer.Message}"), atRisk);
        }

        if (answer.FirstLsn != log.Ready.NextLsn || answer.LastLsn != answer.FirstLsn)
            return RecoveryVerdict.Violated(Violation.ProbeMisplaced(answer.FirstLsn, answer.LastLsn, log.Ready.NextLsn), atRisk);
        if (answer.DurableLsn is not { } durable || durable < answer.LastLsn)
            return RecoveryVerdict.Violated(Violation.SyncBelowBatch("the first append after recovery (sync)", answer.DurableLsn ?? 0, batch.Index, answer.LastLsn), atRisk);
        model.Acknowledged(batch, answer.FirstLsn, durable: true);
        model.AcknowledgedDurable(durable);
        return RecoveryVerdict.Accepted(atRisk);
    }
}
