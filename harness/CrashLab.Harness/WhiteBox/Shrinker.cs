using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.WhiteBox;

/// <summary>
/// Minimises a failing white-box case while it still fails with the same rule: fewer requests,
/// smaller records, fewer faults, an earlier crash point, a crash state that keeps less. Each
/// candidate is a full deterministic replay; a candidate that still fails becomes the case.
/// </summary>
public sealed class Shrinker(BackendSpec backend, HarnessTimeouts timeouts, Action<string> progress)
{
    public int Attempts { get; private set; }

    /// <summary>The smallest case found so far that still fails (what a stopped shrink keeps).</summary>
    public CaseFile? Best { get; private set; }

    /// <summary>
    /// The case replayed as saved, first: shrinking starts only from a failure that reproduces. The
    /// outcome (no violation, or another rule) says what happened instead.
    /// </summary>
    public async Task<CaseReplayer.Outcome> ReproduceAsync(CaseFile original, CancellationToken cancellationToken)
    {
        Attempts++;
        var work = Directory.CreateTempSubdirectory("crashlab-shrink-").FullName;
        try
        {
            return await CaseReplayer.ReplayAsync(original, backend, work, timeouts, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public async Task<CaseFile> ShrinkAsync(CaseFile original, int maxAttempts, CancellationToken cancellationToken)
    {
        var best = original;
        Best = best;
        var improved = true;
        while (improved && Attempts < maxAttempts && !cancellationToken.IsCancellationRequested)
        {
            improved = false;
            foreach (var candidate in Candidates(best))
            {
                if (Attempts >= maxAttempts || cancellationToken.IsCancellationRequested)
                    break;
                // A replay cut short by a stop says nothing about the candidate.
                if (await StillFailsAsync(candidate, original.Violation.Rule, cancellationToken).ConfigureAwait(false) is { } kept && !cancellationToken.IsCancellationRequested)
                {
                    best = kept;
                    Best = best;
                    improved = true;
                    progress($"  {CaseSize.Of(best)}");
                    break;
                }
            }
        }

        return best;
    }

    private async Task<CaseFile?> StillFailsAsync(CaseFile candidate, string rule, CancellationToken cancellationToken)
    {
        Attempts++;
        var work = Directory.CreateTempSubdirectory("crashlab-shrink-").FullName;
        try
        {
            var outcome = await CaseReplayer.ReplayAsync(candidate, backend, work, timeouts, cancellationToken).ConfigureAwait(false);
            if (outcome.Violation?.Rule != rule)
                return null;
            var input = candidate.WhiteBox!;
            var crash = input.Plan.Crash is { } point && outcome.ReplayPoint is { AtOp: > 0 } last && last.AtOp < point.AtOp
                ? last
                : input.Plan.Crash;
            // Everything a report draws comes from this run, not from the case it was cut from; the
            // script to replay stays the candidate's.
            return candidate with
            {
                Violation = outcome.Violation,
                Timeline = outcome.Timeline,
                Ready = outcome.Ready,
                Stderr = outcome.Stderr,
                Transcript = outcome.Requests is { Count: > 0 } sent ? sent : null,
                WhiteBox = input with { Plan = input.Plan with { Crash = crash }, ModelAfterRun = outcome.ModelAfterRun },
            };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Simpler variants of a case, most promising first.</summary>
    private static IEnumerable<CaseFile> Candidates(CaseFile file)
    {
        var input = file.WhiteBox!;
        var requests = input.Requests ?? [];
        // The run's recorded appends start after the batches its recovery judge issued (the probe).
        var firstBatch = requests.FirstOrDefault(r => r.Records is { Length: > 0 })?.Records![0].Batch ?? file.Model?.NextBatchIndex ?? 0;
        if (requests.Any(r => r.Op != Op.Append))
            yield return With(file, input with { Requests = Renumber(requests.Where(r => r.Op == Op.Append), firstBatch) });
        for (var chunk = Math.Max(1, requests.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var start = requests.Count - chunk; start >= 0; start -= chunk)
                yield return With(file, input with { Requests = Renumber(requests.Take(start).Concat(requests.Skip(start + chunk)), firstBatch) });
            if (chunk == 1)
                break;
        }

        if (requests.Any(r => r.Records?.Any(id => id.Length > 8) == true))
            yield return With(file, input with { Requests = [.. requests.Select(Halve)] });
        for (var i = 0; i < input.Plan.Faults.Length; i++)
            yield return With(file, input with { Plan = input.Plan with { Faults = [.. input.Plan.Faults.Where((_, k) => k != i)] } });
        if (input.Plan.Crash is { AtOp: > 1 } crash)
        {
            foreach (var earlier in new[] { crash.AtOp / 2, crash.AtOp * 3 / 4, crash.AtOp - 1 }.Where(op => op >= 1 && op < crash.AtOp).Distinct())
                yield return With(file, input with { Plan = input.Plan with { Crash = crash with { AtOp = earlier } } });
        }

        if (input.States is [{ } state] && state.Mode != "drop-all")
        {
            // Another mode is another state: the recorded outcomes no longer describe it.
            yield return With(file, input with { States = [state with { Mode = "drop-all", Outcomes = null }] });
            if (state.Mode != "prefix")
                yield return With(file, input with { States = [state with { Mode = "prefix", Outcomes = null }] });
        }
    }

    /// <summary>A variant runs on its own: what it acknowledges is its own, not the original run's.</summary>
    private static CaseFile With(CaseFile file, WhiteBoxInput input) => file with { WhiteBox = input with { ModelAfterRun = null } };

    /// <summary>Batches must follow the model's numbering: after dropping some, renumber the rest.</summary>
    private static List<RecordedRequest> Renumber(IEnumerable<RecordedRequest> requests, int firstBatch)
    {
        var next = firstBatch;
        var result = new List<RecordedRequest>();
        foreach (var request in requests)
        {
            if (request.Records == null)
            {
                result.Add(request);
                continue;
            }

            var batch = next++;
            result.Add(request with { Records = [.. request.Records.Select(id => id with { Batch = batch })] });
        }

        return result;
    }

    private static RecordedRequest Halve(RecordedRequest request)
        => request.Records == null ? request : request with { Records = [.. request.Records.Select(id => id with { Length = id.Length / 2 })] };
}
