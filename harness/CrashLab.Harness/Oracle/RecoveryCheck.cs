using CrashLab.Harness.Backends;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// Checks one recovery against the chain model (fault-model.md §4): fed the ready event and then
/// every recovered record in LSN order, it decides rules 1-5 and 7 (rule 6, liveness, is the
/// launcher's) and records which issued record each recovered one is, for the model to move on.
/// </summary>
public sealed class RecoveryCheck
{
    private readonly ChainModel _model;
    private readonly ReadyEvent _ready;
    private readonly List<RecordId> _matched = [];
    private long _lsn;
    private int _batch;
    private int _inBatch;
    private bool _frontInsideBatch;
    private bool _frontByBytes;

    public RecoveryCheck(ChainModel model, ReadyEvent ready)
    {
        _model = model;
        _ready = ready;
        _lsn = ready.FirstLsn;
        CheckStart();
        PositionAtFront();
    }

    public List<Violation> Violations { get; } = [];

    /// <summary>Which issued record each recovered LSN holds (valid when there are no violations).</summary>
    public IReadOnlyList<RecordId> Matched => _matched;

    /// <summary>The next recovered record; returns false once a violation makes further matching meaningless.</summary>
    public bool Record(long lsn, ReadOnlySpan<byte> data)
    {
        if (Violations.Count > 0)
            return false;
        if (lsn != _lsn)
            return Fail(new Violation(Rules.Contiguity, $"expected LSN {_lsn} next, the log returned LSN {lsn}") { Lsn = _lsn });
        if (_frontByBytes && !PositionByBytes(data))
            return Fail(new Violation(Rules.SilentCorruption, $"the log starts at LSN {_lsn} with bytes never issued") { Lsn = _lsn, Actual = Violation.Abbreviate(data) });
        var expected = _lsn < _model.LogNext ? _model.At(_lsn) : NextFromBatches(data);
        if (Violations.Count > 0)
            return false;
        if (expected is not { } id)
            return Fail(new Violation(Rules.SilentCorruption, $"LSN {_lsn} holds bytes the harness never issued there") { Lsn = _lsn, Actual = Violation.Abbreviate(data) });
        if (!_model.Payloads.Matches(id, data))
        {
            var rule = _inBatch > 0 ? Rules.Prefix : Rules.SilentCorruption;
            return Fail(new Violation(rule, $"LSN {_lsn} differs from the record issued there (batch {id.Batch}, record {id.Index})")
            {
                Lsn = _lsn,
                Expected = Violation.Abbreviate(_model.Payloads.Bytes(id)),
                Actual = Violation.Abbreviate(data),
            });
        }

        _matched.Add(id);
        _lsn++;
        return true;
    }

    /// <summary>
    /// After the last record: batch atomicity, durability, no false alarm. A batch may be cut at the
    /// front by truncation; it is cut in two only if the log ends inside it after records of it came back.
    /// </summary>
    public List<Violation> Finish()
    {
        if (Violations.Count > 0)
            return Violations;
        if (_lsn != _ready.NextLsn)
            Violations.Add(new Violation(Rules.Contiguity, $"the log returned records up to LSN {_lsn - 1}, but ready said next_lsn {_ready.NextLsn}") { Lsn = _lsn });
        else if (_inBatch > 0 && !(_frontInsideBatch && _matched.Count == 0))
            Violations.Add(new Violation(Rules.Prefix, $"batch {_model.Pending[_batch].Index} was cut in two: {_inBatch} of its {_model.Pending[_batch].Records.Length} records recovered") { Lsn = _lsn });

        CheckDurability();
        if (_ready.CorruptionLsn is { } corrupt && !_model.MediaFaultPending)
            Violations.Add(new Violation(Rules.FalseAlarm, $"corruption reported at LSN {corrupt} ({_ready.CorruptionDetail}) though no media fault was injected") { Lsn = corrupt });
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

    private void CheckDurability()
    {
        var firstMissing = _ready.NextLsn;
        if (_model.DurableLsn >= firstMissing && _model.DurableLsn >= _ready.FirstLsn)
        {
            var reported = _ready.CorruptionLsn is { } c && c <= firstMissing;
            if (!(reported && _model.MediaFaultPending))
            {
                Violations.Add(new Violation(Rules.Durability,
                    $"LSNs {firstMissing}..{_model.DurableLsn} were acknowledged durable but are gone" +
                    (_ready.CorruptionLsn is { } lsn ? $" (corruption reported at LSN {lsn}{(_model.MediaFaultPending ? "" : ", but no media fault was injected")})" : " and no corruption was reported"))
                { Lsn = firstMissing });
            }
        }
    }

    private void CheckStart()
    {
        var upper = Math.Max(_model.InitialFirstLsn, _model.HighestBeforeLsn);
        if (_ready.FirstLsn < _model.InitialFirstLsn)
            Violations.Add(new Violation(Rules.TruncationBound, $"first_lsn {_ready.FirstLsn} is below the chain's first LSN {_model.InitialFirstLsn}"));
        else if (_ready.FirstLsn > upper)
            Violations.Add(new Violation(Rules.TruncationBound, $"first_lsn {_ready.FirstLsn} is above the highest before_lsn ever requested ({upper})"));
    }

    /// <summary>
    /// Truncation may leave the recovered log starting inside the batches of the last run. An
    /// acknowledged batch's LSNs say exactly where; batches without an answer (or answered with an
    /// error) may or may not have taken LSNs, so otherwise the first record's bytes decide.
    /// </summary>
    private void PositionAtFront()
    {
        if (_lsn <= _model.LogNext)
            return;
        for (var i = 0; i < _model.Pending.Count; i++)
        {
            if (_model.Pending[i].FirstLsn is not { } first)
                continue;
            var count = _model.Pending[i].Records.Length;
            if (first <= _lsn && _lsn < first + count)
            {
                (_batch, _inBatch) = (i, (int)(_lsn - first));
                _frontInsideBatch = _inBatch > 0;
                return;
            }

            if (first > _lsn)
                break;
        }

        _frontByBytes = true;
    }

    /// <summary>Places the front at the first issued record (in order) these bytes are.</summary>
    private bool PositionByBytes(ReadOnlySpan<byte> data)
    {
        _frontByBytes = false;
        for (var i = 0; i < _model.Pending.Count; i++)
        {
            var records = _model.Pending[i].Records;
            for (var j = 0; j < records.Length; j++)
            {
                if (_model.Payloads.Matches(records[j], data))
                {
                    (_batch, _inBatch) = (i, j);
                    _frontInsideBatch = j > 0;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The issued record the log should hold next, past the part known at the last check.</summary>
    private RecordId? NextFromBatches(ReadOnlySpan<byte> data)
    {
        if (_inBatch > 0)
            return Advance(_model.Pending[_batch]);
        while (_batch < _model.Pending.Count)
        {
            var batch = _model.Pending[_batch];
            if (_model.Payloads.Matches(batch.Records[0], data))
            {
                if (batch.FirstLsn is { } acked && acked != _lsn)
                {
                    Fail(new Violation(Rules.Prefix, $"batch {batch.Index} was acknowledged at LSN {acked} but recovered at LSN {_lsn}") { Lsn = _lsn });
                    return null;
                }

                return Advance(batch);
            }

            if (!batch.MayBeAbsent)
            {
                IssuedBatch? later = null;
                for (var k = _batch + 1; k < _model.Pending.Count && later == null; k++)
                {
                    if (_model.Payloads.Matches(_model.Pending[k].Records[0], data))
                        later = _model.Pending[k];
                }

                Fail(later != null
                    ? new Violation(Rules.Prefix, $"batch {batch.Index} (acknowledged {batch.State.ToString().ToLowerInvariant()}) is missing, but the later batch {later.Index} was recovered at LSN {_lsn}: a hole") { Lsn = _lsn }
                    : new Violation(Rules.SilentCorruption, $"LSN {_lsn} should start batch {batch.Index}, but holds bytes never issued")
                    {
                        Lsn = _lsn,
                        Expected = Violation.Abbreviate(_model.Payloads.Bytes(batch.Records[0])),
                        Actual = Violation.Abbreviate(data),
                    });
                return null;
            }

            _batch++;
        }

        Fail(new Violation(Rules.SilentCorruption, $"LSN {_lsn} lies beyond everything issued") { Lsn = _lsn, Actual = Violation.Abbreviate(data) });
        return null;
    }

    private RecordId Advance(IssuedBatch batch)
    {
        var id = batch.Records[_inBatch++];
        if (_inBatch == batch.Records.Length)
        {
            _inBatch = 0;
            _batch++;
        }

        return id;
    }

    private bool Fail(Violation violation)
    {
        Violations.Add(violation);
        return false;
    }
}
