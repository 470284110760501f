using CrashLab.Harness.Backends;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// What the oracle knows about one data directory across all its runs and crashes: which record
/// sits at which LSN (as far as anything confirmed it), the batches issued since the last check
/// and what the backend answered, the highest LSN acknowledged durable and the highest
/// truncation point ever asked for.
/// </summary>
public sealed class ChainModel(Payloads payloads)
{
    private readonly List<RecordId?> _byLsn = [];

    public Payloads Payloads { get; } = payloads;

    /// <summary>
    /// The digests of issued records' bytes, kept from one check to the next when set: the kit judges
    /// many crash states of one short run, each against a copy of one model, and would otherwise hash
    /// the same payloads for every state. Null (campaigns): each check computes its own, so a long
    /// chain's model does not grow by a digest per record it ever issued.
    /// </summary>
    public Dictionary<RecordId, RecordDigest>? SharedDigests { get; init; }

    /// <summary>first_lsn of the chain's first ready event: recovery may never go below it.</summary>
    public long InitialFirstLsn { get; private set; }

    public long HighestBeforeLsn { get; private set; }

    /// <summary>
    /// The last accepted recovery came back below a truncation's before_lsn, so it lowered the bound:
    /// a crash lost LSNs a truncate covered. A backend that keeps its stale bound shows it only at the
    /// next restart, and only if no newer truncation rewrote the bound before it.
    /// </summary>
    public bool LastRecoveryLoweredBound { get; private set; }

    public long DurableLsn { get; private set; }

    /// <summary>first_lsn and next_lsn of the last accepted recovery (or the chain's start).</summary>
    public long LogFirst { get; private set; }

    public long LogNext { get; private set; }

    public List<IssuedBatch> Pending { get; } = [];

    public int NextBatchIndex { get; private set; }

    /// <summary>
    /// A media fault (bit flip, misdirected write, read EIO) was injected into this data directory:
    /// corruption reports are allowed, and a refusal (fatal, a failed append) is honest. It stays set
    /// for the rest of the chain. The harness sees files, not LSNs: it cannot tell when the damaged
    /// bytes are gone. A recovery that reported nothing may simply not have read them (LevelDB reads a
    /// damaged table only when a later compaction does, then refuses every write); one that reported
    /// and cut may have cut logically and leave the damage on disk to be reported again; a truncation
    /// deletes records, not the metadata files a flip may have hit. Clearing it on any of those would
    /// blame a backend for damage that is still there. What it costs: once a fault was injected, a
    /// later corruption report is no longer a false alarm. Lost durable records are still bounded by
    /// <see cref="ExcusableThrough"/>, which excuses only records already durable when a fault struck.
    /// </summary>
    public bool MediaFaultPending { get; private set; }

    /// <summary>
    /// The highest LSN that was durable when a media fault struck (0: none). A corruption report
    /// excuses the loss of these records only: a record acknowledged durable later (at a higher
    /// LSN, or at an LSN handed out again after a loss) is never excused by an old fault.
    /// </summary>
    public long ExcusableThrough { get; private set; }

    /// <summary>Faults were injected into the requests of the current run (not only a kill): a request may have failed, so an unanswered batch may be missing before a later one.</summary>
    public bool RequestFaultsInjected { get; set; }

    /// <summary>Records a media fault injected now: it may damage what is durable at this moment.</summary>
    public void InjectMediaFault()
    {
        MediaFaultPending = true;
        ExcusableThrough = Math.Max(ExcusableThrough, DurableLsn);
    }

    public bool Started => InitialFirstLsn > 0;

    public void Start(ReadyEvent ready)
    {
        InitialFirstLsn = ready.FirstLsn;
        LogFirst = ready.FirstLsn;
        LogNext = ready.NextLsn;
    }

    public IssuedBatch Issue(RecordId[] records)
    {
        var batch = new IssuedBatch(NextBatchIndex++, records);
        Pending.Add(batch);
        return batch;
    }

    /// <summary>Bytes of the records known from <paramref name="fromLsn"/> to the highest acknowledged LSN.</summary>
    public long LiveBytes(long fromLsn)
    {
        long total = 0;
        for (var lsn = fromLsn; lsn <= HighestAcknowledgedLsn; lsn++)
            total += At(lsn)?.Length ?? 0;
        return total;
    }

    /// <summary>The truncation point that keeps about <paramref name="keepBytes"/> of the newest acknowledged records.</summary>
    public long PointKeeping(long keepBytes, long floor)
    {
        long kept = 0;
        var lsn = HighestAcknowledgedLsn;
        for (; lsn > floor && kept < keepBytes; lsn--)
            kept += At(lsn)?.Length ?? 0;
        return Math.Max(floor, lsn);
    }

    public void RequestedTruncation(long beforeLsn) => HighestBeforeLsn = Math.Max(HighestBeforeLsn, beforeLsn);

    public void AcknowledgedDurable(long lsn) => DurableLsn = Math.Max(DurableLsn, lsn);

    public void Acknowledged(IssuedBatch batch, long firstLsn, bool durable)
    {
        batch.FirstLsn = firstLsn;
        batch.State = durable ? BatchState.Durable : BatchState.Appended;
        for (var i = 0; i < batch.Records.Length; i++)
            Place(firstLsn + i, batch.Records[i]);
    }

    /// <summary>The record known to be at <paramref name="lsn"/>, if any.</summary>
    public RecordId? At(long lsn)
    {
        var index = lsn - InitialFirstLsn;
        return index >= 0 && index < _byLsn.Count ? _byLsn[(int)index] : null;
    }

    /// <summary>The highest LSN any acknowledgement has placed so far.</summary>
    public long HighestAcknowledgedLsn { get; private set; }

    /// <summary>After a check: the log is what was recovered, and the chain continues from it.</summary>
    public void Accept(ReadyEvent ready, IReadOnlyList<RecordId> recovered)
    {
        var keep = (int)Math.Max(0, ready.NextLsn - InitialFirstLsn);
        if (_byLsn.Count > keep)
            _byLsn.RemoveRange(keep, _byLsn.Count - keep); // a lost tail: those LSNs will be given again
        for (var i = 0; i < recovered.Count; i++)
            Place(ready.FirstLsn + i, recovered[i]);
        LogFirst = ready.FirstLsn;
        LogNext = ready.NextLsn;
        HighestAcknowledgedLsn = ready.NextLsn - 1;
        DurableLsn = Math.Min(DurableLsn, ready.NextLsn - 1);
        // protocol.md §truncate: LSNs a crash lost and recovery hands out again are covered by no earlier truncate.
        LastRecoveryLoweredBound = HighestBeforeLsn > ready.NextLsn;
        HighestBeforeLsn = Math.Min(HighestBeforeLsn, ready.NextLsn);
        ExcusableThrough = Math.Min(ExcusableThrough, ready.NextLsn - 1);
        Pending.Clear();
        RequestFaultsInjected = false;
        // MediaFaultPending and ExcusableThrough stay (see MediaFaultPending): records durable when a
        // fault struck may still be lost to it later, as fault-model rule 4 allows.
    }

    public ChainModelState ToState() => new(Payloads.Seed, InitialFirstLsn, HighestBeforeLsn, DurableLsn, LogFirst, LogNext,
        MediaFaultPending, NextBatchIndex, [.. _byLsn], [.. Pending.Select(b => new ChainModelState.Batch(b.Index, b.Records, b.State, b.FirstLsn, b.Error))])
    {
        ExcusableThrough = ExcusableThrough,
        RequestFaultsInjected = RequestFaultsInjected,
    };

    /// <param name="sharing">A model of the same run whose payloads and <see cref="SharedDigests"/> the new one reuses.</param>
    public static ChainModel FromState(ChainModelState state, ChainModel? sharing = null)
    {
        sharing = sharing?.Payloads.Seed == state.PayloadSeed ? sharing : null;
        var model = new ChainModel(sharing?.Payloads ?? new Payloads(state.PayloadSeed))
        {
            SharedDigests = sharing?.SharedDigests,
            InitialFirstLsn = state.InitialFirstLsn,
            HighestBeforeLsn = state.HighestBeforeLsn,
            DurableLsn = state.DurableLsn,
            LogFirst = state.LogFirst,
            LogNext = state.LogNext,
            MediaFaultPending = state.MediaFaultPending,
            ExcusableThrough = state.ExcusableThrough,
            RequestFaultsInjected = state.RequestFaultsInjected,
            NextBatchIndex = state.NextBatchIndex,
        };
        model._byLsn.AddRange(state.ByLsn);
        foreach (var b in state.Pending)
            model.Pending.Add(new IssuedBatch(b.Index, b.Records) { State = b.State, FirstLsn = b.FirstLsn, Error = b.Error });
        model.HighestAcknowledgedLsn = Math.Max(state.LogNext - 1, model.Pending.Where(b => b.FirstLsn != null).Select(b => b.FirstLsn!.Value + b.Records.Length - 1).DefaultIfEmpty(0).Max());
        return model;
    }

    private void Place(long lsn, RecordId id)
    {
        var index = (int)(lsn - InitialFirstLsn);
        while (_byLsn.Count <= index)
            _byLsn.Add(null);
        _byLsn[index] = id;
        HighestAcknowledgedLsn = Math.Max(HighestAcknowledgedLsn, lsn);
    }
}
