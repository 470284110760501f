using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Re-runs a saved failure: restores the data directory the kill left, starts the backend on it
/// and judges its recovery against the saved model, exactly as the campaign did.
/// </summary>
public static class CaseReplayer
{
    public sealed record Outcome(Violation? Violation, bool SameRule, string Notes)
    {
        /// <summary>White-box: the crash point that replays the replayed run's kill.</summary>
        public Storage.Faults.Plans.CrashPoint? ReplayPoint { get; init; }

        /// <summary>White-box: the model right after the replayed run.</summary>
        public ChainModelState? ModelAfterRun { get; init; }

        /// <summary>White-box, failing in a crash state: the replay's own timeline.</summary>
        public Timeline? Timeline { get; init; }

        /// <summary>White-box: the requests as this replay sent them, with its own times and answers.</summary>
        public List<Workload.RecordedRequest>? Requests { get; init; }

        /// <summary>White-box: the ready event of the replay's failing start, and that start's stderr.</summary>
        public ReadyEvent? Ready { get; init; }

        public string? Stderr { get; init; }
    }

    /// <param name="attempts">
    /// White-box runs of a backend on FUSE: how many times to run it before saying "not
    /// reproduced". Requests are paced to the file-system operations as in the original run, but a
    /// program whose threads race (a group commit thread, a background preparer) can still take
    /// another path; the reference engine under the in-process shim is deterministic, one attempt.
    /// </param>
    public static async Task<Outcome> ReplayAsync(CaseFile saved, BackendSpec backend, string workDir, HarnessTimeouts timeouts, CancellationToken cancellationToken, int attempts = 1)
    {
        if (saved.WhiteBox is { } whiteBox)
        {
            Outcome? outcome = null;
            for (var attempt = 1; attempt <= Math.Max(1, attempts); attempt++)
            {
                var attemptDir = attempts > 1 ? Directory.CreateDirectory(Path.Combine(workDir, $"attempt-{attempt}")).FullName : workDir;
                var attemptData = Path.Combine(attemptDir, "data");
                saved.Restore(attemptData);
                outcome = await ReplayWhiteBoxAsync(saved, whiteBox, backend, attemptData, attemptDir, timeouts, cancellationToken).ConfigureAwait(false);
                if (outcome.SameRule)
                    return attempt == 1 ? outcome : outcome with { Notes = $"reproduced on attempt {attempt} of {attempts} (the backend's own timing varies between runs). {outcome.Notes}".Trim() };
            }

            return attempts > 1 ? outcome! with { Notes = $"{attempts} attempts. {outcome!.Notes}".Trim() } : outcome!;
        }

        var dataDir = Path.Combine(workDir, "data");
        saved.Restore(dataDir);
        // A chain that failed at its very first start has a model that has not started: the start is judged as then.
        var model = saved.Model != null ? ChainModel.FromState(saved.Model) : new ChainModel(new Workload.Payloads(saved.ChainSeed));
        var start = await new RecoveryJudge(model, faultsExplainRefusal: model.MediaFaultPending)
            .StartAsync(backend, new BackendEnvironment(dataDir), timeouts, cancellationToken).ConfigureAwait(false);
        if (start.Process != null)
            await start.Process.DisposeAsync().ConfigureAwait(false);
        var notes = saved.Stage == "run"
            ? "this failure happened under load; replay re-checks the recovery that preceded it, the load itself is timing-dependent"
            : "";
        return Verdict(saved, start.Verdict, notes);
    }

    private static Outcome Verdict(CaseFile saved, RecoveryVerdict verdict, string notes)
        => verdict.Violation is { } violation ? Judge(saved, violation, notes)
            : new Outcome(null, false, verdict.Outcome == RecoveryVerdict.Kind.Refused ? $"the backend honestly reported it cannot start (a media fault was injected). {notes}".Trim() : notes);

    /// <summary>The same run again: plan (with the kill as a crash point), requests and crash-state choice.</summary>
    private static async Task<Outcome> ReplayWhiteBoxAsync(CaseFile saved, WhiteBox.WhiteBoxInput input, BackendSpec backend, string dataDir, string workDir, HarnessTimeouts timeouts, CancellationToken cancellationToken)
    {
        var model = saved.Model != null ? ChainModel.FromState(saved.Model) : new ChainModel(new Workload.Payloads(saved.ChainSeed));
        var run = new WhiteBox.WhiteBoxRun(backend, saved.Scenario.Workload, timeouts);
        var outcome = await run.ExecuteAsync(dataDir, model, input, Directory.CreateDirectory(Path.Combine(workDir, "run")).FullName, cancellationToken).ConfigureAwait(false);
        return (outcome.Violation is { } violation
            ? Judge(saved, violation, $"white-box replay: crash point at operation {input.Plan.Crash?.AtOp}, {input.Requests?.Count ?? 0} requests, crash state {string.Join("; ", input.States.Select(st => st.Describe()))}")
            : new Outcome(null, false, "")) with
            {
                ReplayPoint = outcome.ReplayPoint, ModelAfterRun = outcome.ModelAfterRun, Timeline = outcome.Timeline,
                Requests = outcome.Requests, Ready = outcome.Ready, Stderr = outcome.Stderr,
            };
    }

    private static Outcome Judge(CaseFile saved, Violation violation, string notes)
        => new(violation, violation.Rule == saved.Violation.Rule, notes);
}
