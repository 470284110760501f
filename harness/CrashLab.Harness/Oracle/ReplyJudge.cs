using System.Collections.Concurrent;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// Judges the replies of a run as they arrive (protocol.md; fault-model.md §4) and moves the chain
/// model on: acknowledged LSNs follow stdin order and never overlap; a sync's durable_lsn covers
/// every batch sent before it that is answered ok; stat's durable_lsn never goes back; a read
/// returns at least one record below next_lsn, with the issued bytes; and where no fault was
/// injected, no request fails. Each <c>On…</c> call is made when a request is sent and returns the
/// handler of its reply, so what "before" means is fixed by stdin order, not by reply order.
/// </summary>
public sealed class ReplyJudge(ChainModel model, bool faultsPossible)
{
    private readonly object _gate = new();
    private readonly List<(long First, long Last, int Batch)> _acked = [];
    private readonly List<(int SentBefore, long Durable, string What)> _durableClaims = [];
    private long _statDurable;

    public ConcurrentQueue<Violation> Violations { get; } = new();

    public Action<Reply> OnAppend(IssuedBatch batch, bool sync) => reply =>
    {
        if (reply is ErrorReply error)
        {
            (batch.State, batch.Error) = (BatchState.Failed, error.Code);
            RefusedWithoutFault(Op.Append, error);
            return;
        }

        var (first, last, durable) = (AppendReply)reply;
        if (last - first + 1 != batch.Records.Length)
            throw BackendFindingException.Protocol($"append of {batch.Records.Length} records acknowledged as LSNs {first}..{last}");
        if (first < model.LogNext)
            Violations.Enqueue(Violation.LsnsReused(batch.Index, first, model.LogNext));
        if (!sync)
            durable = null;
        lock (_gate)
        {
            foreach (var (f, l, other) in _acked)
            {
                if (first <= l && f <= last)
                    Violations.Enqueue(Violation.AcknowledgedTwice(Math.Min(other, batch.Index), Math.Max(other, batch.Index), Math.Max(first, f), Math.Min(last, l)));
                else if (other < batch.Index != f < first)
                    Violations.Enqueue(other < batch.Index ? Violation.Reordered(other, f, batch.Index, first) : Violation.Reordered(batch.Index, first, other, f));
            }

            _acked.Add((first, last, batch.Index));
            model.Acknowledged(batch, first, sync);
            if (durable is { } d)
                Claim(batch.Index + 1, d, "the sync append of batch " + batch.Index);
            foreach (var (sentBefore, claimed, what) in _durableClaims)
            {
                if (batch.Index < sentBefore && claimed < last)
                    Violations.Enqueue(Violation.SyncBelowBatch(what, claimed, batch.Index, last));
            }
        }
    };

    public Action<Reply> OnSync()
    {
        var sentBefore = model.NextBatchIndex;
        return reply =>
        {
            if (reply is ErrorReply error)
            {
                RefusedWithoutFault(Op.Sync, error);
                return;
            }

            lock (_gate)
                Claim(sentBefore, ((SyncReply)reply).DurableLsn, Op.Sync);
        };
    }

    public Action<Reply> OnTruncate(long before) => reply =>
    {
        if (reply is TruncateReply { FirstLsn: var first } && first > before)
            Violations.Enqueue(Violation.TruncateAnsweredAbove(before, first));
    };

    public Action<Reply> OnStat()
    {
        long floor;
        lock (_gate)
            floor = Math.Max(model.DurableLsn, _statDurable);
        return reply =>
        {
            if (reply is not StatReply (var first, var next, var durable))
                return;
            if (first > next || durable >= next)
                throw BackendFindingException.Protocol($"stat is inconsistent: {Field.FirstLsn} {first}, {Field.NextLsn} {next}, {Field.DurableLsn} {durable}");
            lock (_gate)
            {
                if (durable < floor)
                    Violations.Enqueue(Violation.StatDurableBehind(durable, floor));
                _statDurable = Math.Max(_statDurable, durable);
            }
        };
    }

    /// <summary>Records read during a run must be the ones issued at those LSNs (rule 5); below the acknowledged end, at least one must come back.</summary>
    /// <param name="tolerateBadRequest">A scripted read carries the original run's LSNs, which a changed backend may not have.</param>
    public Action<Reply> OnRead(long from, bool tolerateBadRequest)
    {
        var known = model.HighestAcknowledgedLsn;
        return reply =>
        {
            if (reply is ErrorReply error)
            {
                if (error.Code is not (ErrorCode.Io or ErrorCode.Poisoned) && !(tolerateBadRequest && error.Code == ErrorCode.BadRequest))
                    Violations.Enqueue(Violation.Protocol($"read from LSN {from} (within the acknowledged log) failed: {error.Code}: {error.Message}"));
                return;
            }

            var (records, next) = (ReadReply)reply;
            var count = records.Count;
            if (count == 0 && from <= known)
                Violations.Enqueue(Violation.EmptyRead(from, known + 1));
            else if (next != from + count)
                Violations.Enqueue(Violation.ReadNextMismatch(from, count, next));
            var lsn = from;
            foreach (var (got, bytes) in records)
            {
                if (got != lsn)
                {
                    Violations.Enqueue(Violation.LsnOutOfOrder(lsn, got));
                    return;
                }

                var data = bytes.Span;
                if (model.At(lsn) is { } id && !model.Payloads.Matches(id, data))
                {
                    Violations.Enqueue(Violation.WrongBytesRead(lsn, Violation.Abbreviate(model.Payloads.Bytes(id)), Violation.Abbreviate(data)));
                    return;
                }

                lsn++;
            }
        };
    }

    /// <summary>A durable_lsn answered for every batch sent before the request: it must cover each of them that is (or will be) acknowledged.</summary>
    private void Claim(int sentBefore, long durable, string what)
    {
        foreach (var (_, last, batch) in _acked)
        {
            if (batch < sentBefore && durable < last)
                Violations.Enqueue(Violation.SyncBelowBatch(what, durable, batch, last));
        }

        _durableClaims.Add((sentBefore, durable, what));
        model.AcknowledgedDurable(durable);
    }

    private void RefusedWithoutFault(string op, ErrorReply error)
    {
        if (!faultsPossible && error.Code is ErrorCode.Io or ErrorCode.NoSpace or ErrorCode.Poisoned)
            Violations.Enqueue(Violation.RefusedWithoutFault(op, error.Code));
    }
}
