using CrashLab.Harness.Backends;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// Checks one recovered log against the chain model (fault-model.md §4 rules 1-5 and 7): fed the
/// ready event and then every recovered record in LSN order, it compares the part the last check
/// accepted record by record, hands the rest to the <see cref="TailMatcher"/>, and records which
/// issued record each recovered LSN holds, for the model to move on.
/// </summary>
public sealed class RecoveryCheck
{
    private readonly ChainModel _model;
    private readonly ReadyEvent _ready;
    private readonly List<RecordId> _matched = [];
    private readonly List<(RecordDigest, string)> _tail = [];
    private long _lsn;

    public RecoveryCheck(ChainModel model, ReadyEvent ready)
    {
        _model = model;
        _ready = ready;
        _lsn = ready.FirstLsn;
        DurableDataAtRisk = model.DurableLsn > 0 && model.DurableLsn >= Math.Max(model.LogFirst, model.HighestBeforeLsn);
        CheckStart();
    }

    public List<Violation> Violations { get; } = [];

    /// <summary>Which issued record each recovered LSN holds (valid when there are no violations).</summary>
    public IReadOnlyList<RecordId> Matched => _matched;

    /// <summary>The crash put at least one acknowledged durable record at risk: a state that proves something (fault-model.md §5).</summary>
    public bool DurableDataAtRisk { get; }

    /// <summary>The next recovered record; returns false once a violation makes further matching meaningless.</summary>
    public bool Record(long lsn, ReadOnlySpan<byte> data)
    {
        if (Violations.Count > 0)
            return false;
        if (lsn != _lsn)
            return Fail(Violation.LsnOutOfOrder(_lsn, lsn));
        _lsn++;
        if (lsn >= _model.LogNext)
        {
            _tail.Add((RecordDigest.Of(data), Violation.Abbreviate(data)));
            return true;
        }

        if (_model.At(lsn) is not { } id)
            return Fail(Violation.NeverIssued(lsn, Violation.Abbreviate(data)));
        if (!_model.Payloads.Matches(id, data))
        {
            var (expected, actual) = Violation.AroundFirstDifference(_model.Payloads.Bytes(id), data);
            return Fail(Violation.RecordDiffers(lsn, id, insideBatch: false, expected, actual));
        }

        _matched.Add(id);
        return true;
    }

    /// <summary>After the last record: the tail's batches, durability, no false alarm.</summary>
    public List<Violation> Finish()
    {
        if (Violations.Count > 0)
            return Violations;
        if (_lsn != _ready.NextLsn)
        {
            Violations.Add(Violation.LogShorterThanReady(_lsn - 1, _ready.NextLsn));
            return Violations;
        }
        var wildcards = (int)Math.Max(0, _ready.FirstLsn - _model.LogNext);
        var (tail, violation) = new TailMatcher(_model, _tail, wildcards).Match();
        if (violation != null)
            Violations.Add(violation);
        else
            _matched.AddRange(tail!);
        CheckDurability();
        if (_ready.CorruptionLsn is { } corrupt && !_model.MediaFaultPending)
            Violations.Add(Violation.FalseAlarm(corrupt, _ready.CorruptionDetail));
        return Violations;
    }

    /// <summary>
    /// When the records cannot be read (reads fail on purpose), what ready alone claims can still
    /// be judged: a log that ends before the durable LSN without a corruption report is wrong.
    /// </summary>
    public List<Violation> FinishUnread()
    {
        if (Violations.Count == 0)
            CheckDurability();
        return Violations;
    }

    /// <summary>Rule 4: every LSN acknowledged durable is there, or its loss is excused by a plausible report of a media fault that struck it.</summary>
    private void CheckDurability()
    {
        var firstMissing = _ready.NextLsn;
        var durable = _model.DurableLsn;
        if (durable < firstMissing || durable < _ready.FirstLsn)
            return;
        if (_ready.CorruptionLsn is not { } reported)
        {
            Violations.Add(Violation.DurableLost(firstMissing, durable, "and no corruption was reported"));
            return;
        }

        var (low, high) = KnownLog();
        var why = !_model.MediaFaultPending ? $"(corruption reported at LSN {reported}, but no media fault was injected)"
            : reported < low || reported > high ? $"(corruption reported at LSN {reported}, outside the log the harness knows, {low}..{high})"
            : reported > firstMissing ? $"(corruption reported at LSN {reported}, above the first LSN lost)"
            : durable > _model.ExcusableThrough ? $"(corruption reported at LSN {reported}, but LSNs {Math.Max(firstMissing, _model.ExcusableThrough + 1)}..{durable} were acknowledged durable after the media fault, which excuses none of them)"
            : null;
        if (why != null)
            Violations.Add(Violation.DurableLost(firstMissing, durable, why));
    }

    /// <summary>The LSNs a corruption report may plausibly name: from the chain's first to one past everything that may have been written.</summary>
    private (long Low, long High) KnownLog()
    {
        var unconfirmed = _model.Pending.Where(b => b.FirstLsn == null).Sum(b => (long)b.Records.Length);
        return (_model.InitialFirstLsn, Math.Max(_model.LogNext, _model.HighestAcknowledgedLsn + 1) + unconfirmed);
    }

    private void CheckStart()
    {
        var upper = Math.Max(_model.InitialFirstLsn, _model.HighestBeforeLsn);
        if (_ready.FirstLsn < _model.InitialFirstLsn)
            Violations.Add(Violation.FirstBelowChain(_ready.FirstLsn, _model.InitialFirstLsn));
        else if (_ready.FirstLsn > upper)
            Violations.Add(Violation.FirstAboveBound(_ready.FirstLsn, upper));
    }

    private bool Fail(Violation violation)
    {
        Violations.Add(violation);
        return false;
    }
}
