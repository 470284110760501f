using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// Decides whether the recovered records past the last check's end are the batches issued since,
/// each whole, in issue order, at the LSNs they were acknowledged at (fault-model.md §4 rule 3).
/// A batch is recognised by its LSNs and all its bytes, never by its first record alone: empty and
/// one-byte records make many batches look alike, so this searches every way of laying the issued
/// batches over the log (a batch not answered, or answered with an error, may be absent: at the end
/// always, before a later one only where faults were injected) and reports where the best one fails.
/// LSNs a truncation removed from the front are wildcards that any record fills.
/// </summary>
internal sealed class TailMatcher(ChainModel model, IReadOnlyList<(RecordDigest Digest, string Shown)> tail, int wildcards)
{
    private readonly Dictionary<RecordId, RecordDigest> _expected = model.SharedDigests ?? [];
    private readonly int _total = wildcards + tail.Count;
    private List<IssuedBatch> Batches => model.Pending;

    /// <summary>The issued record at each recovered LSN of the tail, or the violation where no layout fits.</summary>
    public (List<RecordId>? Matched, Violation? Violation) Match()
    {
        var parent = new Dictionary<(int Batch, int Pos), (int Batch, int Pos, bool Took)>();
        var stack = new Stack<(int Batch, int Pos)>();
        stack.Push((0, 0));
        parent[(0, 0)] = (-1, -1, false);
        while (stack.Count > 0)
        {
            var (i, p) = stack.Pop();
            if (p == _total)
                return (Layout(parent, (i, p)), null);
            if (i == Batches.Count)
                continue;
            if (MayBeSkipped(Batches[i]) && parent.TryAdd((i + 1, p), (i, p, false)))
                stack.Push((i + 1, p));
            if (Take(i, p) is { } next && parent.TryAdd((i + 1, next), (i, p, true)))
                stack.Push((i + 1, next)); // pushed last: taking a batch is tried before skipping it
        }

        return (null, Diagnose(parent.Keys));
    }

    private bool MayBeSkipped(IssuedBatch batch) => batch.MayBeAbsent && model.RequestFaultsInjected;

    /// <summary>The position after batch <paramref name="i"/> laid at <paramref name="p"/>, or null if it does not fit there.</summary>
    private int? Take(int i, int p)
    {
        var batch = Batches[i];
        if (batch.FirstLsn is { } acked && acked != Lsn(p))
            return null;
        for (var j = 0; j < batch.Records.Length; j++)
        {
            var q = p + j;
            if (q == _total)
                return tail.Count == 0 && p < wildcards ? _total : null; // truncated at the front, the rest lost with the tail
            if (!Fits(batch.Records[j], q))
                return null;
        }

        return p + batch.Records.Length;
    }

    private bool Fits(RecordId id, int q) => q < wildcards || Expected(id) == tail[q - wildcards].Digest;

    private RecordDigest Expected(RecordId id)
    {
        if (!_expected.TryGetValue(id, out var digest))
            _expected[id] = digest = RecordDigest.Of(model.Payloads.Bytes(id));
        return digest;
    }

    private long Lsn(int p) => model.LogNext + p;

    private List<RecordId> Layout(Dictionary<(int Batch, int Pos), (int Batch, int Pos, bool Took)> parent, (int Batch, int Pos) end)
    {
        // Walked from the end back to the start, then copied in order (inserting at the front would copy the list for every batch).
        var taken = new List<ArraySegment<RecordId>>();
        for (var at = end; parent[at].Batch >= 0; at = (parent[at].Batch, parent[at].Pos))
        {
            if (parent[at].Took)
                taken.Add(new ArraySegment<RecordId>(Batches[parent[at].Batch].Records, 0, at.Pos - parent[at].Pos));
        }

        var ids = new List<RecordId>(_total);
        for (var k = taken.Count - 1; k >= 0; k--)
            ids.AddRange(taken[k]);
        return ids[Math.Min(ids.Count, wildcards)..];
    }

    /// <summary>Explains the furthest point any layout reached: what the log holds there and why no issued batch fits.</summary>
    private Violation Diagnose(IEnumerable<(int Batch, int Pos)> reached)
    {
        var states = reached.ToList();
        var furthest = states.Max(s => s.Pos);
        var lsn = Lsn(furthest);
        var due = states.Where(s => s.Pos == furthest).Min(s => s.Batch);
        var shown = furthest >= wildcards ? tail[furthest - wildcards].Shown : "";
        for (var k = due; k < Batches.Count; k++)
        {
            var batch = Batches[k];
            var fitting = Prefix(batch, furthest);
            if (fitting == 0)
                continue;
            if (fitting < batch.Records.Length)
            {
                if (furthest + fitting == _total)
                    return Violation.CutInTwo(batch.Index, fitting, batch.Records.Length, Lsn(_total));
                continue;
            }

            var skipped = Batches.Skip(due).Take(k - due).ToList();
            if (skipped.FirstOrDefault(b => !b.MayBeAbsent) is { } acknowledged)
                return Violation.Hole(acknowledged.Index, Describe(acknowledged), batch.Index, lsn, model.RequestFaultsInjected);
            if (batch.FirstLsn is { } acked && acked != lsn)
                return Violation.RecoveredElsewhere(batch.Index, acked, lsn);
            if (skipped.FirstOrDefault(b => !MayBeSkipped(b)) is { } missing)
                return Violation.Hole(missing.Index, Describe(missing), batch.Index, lsn, model.RequestFaultsInjected);
        }

        if (due < Batches.Count && Prefix(Batches[due], furthest) is var same && same > 0 && same < Batches[due].Records.Length && furthest + same < _total)
        {
            var id = Batches[due].Records[same];
            var at = furthest + same - wildcards;
            return Violation.RecordDiffers(Lsn(furthest + same), id, insideBatch: true, Violation.Abbreviate(model.Payloads.Bytes(id)), tail[at].Shown);
        }

        return due < Batches.Count
            ? Violation.NeverIssued(lsn, shown, Violation.Abbreviate(model.Payloads.Bytes(Batches[due].Records[0])), $" (batch {Batches[due].Index}, {Describe(Batches[due])}, was due there)")
            : Violation.NeverIssued(lsn, shown, why: " (it lies beyond everything issued)");
    }

    /// <summary>How many records of <paramref name="batch"/>, laid at <paramref name="p"/>, match the log before it ends or differs.</summary>
    private int Prefix(IssuedBatch batch, int p)
    {
        var n = 0;
        while (n < batch.Records.Length && p + n < _total && Fits(batch.Records[n], p + n))
            n++;
        return n;
    }

    private static string Describe(IssuedBatch batch) => batch.State switch
    {
        BatchState.Failed => $"answered {batch.Error}",
        BatchState.Unanswered => "unanswered",
        _ => $"acknowledged {batch.State.ToString().ToLowerInvariant()}",
    };
}
