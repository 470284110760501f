using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Workload;

/// <summary>Seeded choices of what to send next: ops, batch sizes, record sizes.</summary>
public sealed class WorkloadGenerator(WorkloadProfile profile, ulong seed)
{
    /// <summary>Sizes that catch framing bugs: empty, one byte, sector and page boundaries, 12 KiB.</summary>
    private static readonly int[] EdgeSizes = [0, 1, 7, 8, 511, 512, 513, 4095, 4096, 4097, 12 << 10];

    private readonly SplitMix _random = new(seed);
    private bool? _quiet;

    public WorkloadProfile Profile => profile;

    /// <summary>
    /// The recovery before this run lowered a truncation bound (<see cref="Oracle.ChainModel.LastRecoveryLoweredBound"/>).
    /// Where the profile asks for quiet runs, such a run is always quiet: it is the one run whose
    /// restart can show a stale bound, and a random draw would let a truncation rewrite it half the time.
    /// </summary>
    public bool AfterLoweredBound { get; init; }

    /// <summary>This run sends no truncation (drawn once per run, and only where the profile asks for quiet runs).</summary>
    private bool Quiet => _quiet ??= profile.QuietRunShare > 0 && (AfterLoweredBound || Unit() < profile.QuietRunShare);

    public enum Op { Append, Sync, Truncate, Read, Stat }

    public Op NextOp()
    {
        var roll = Unit();
        if ((roll -= profile.SyncShare) < 0)
            return Op.Sync;
        if ((roll -= profile.TruncateShare) < 0)
            return Quiet ? Op.Append : Op.Truncate;
        if ((roll -= profile.ReadShare) < 0)
            return Op.Read;
        return (roll -= profile.StatShare) < 0 ? Op.Stat : Op.Append;
    }

    public bool SyncAppend() => Unit() < profile.SyncAppendShare;

    /// <summary>
    /// The records of the next batch. The corners the protocol allows come first in every run (a
    /// certification runs many), then at random: a batch of one empty record, a batch whose first
    /// record is empty, and (where the profile allows records that large) one of the largest size.
    /// </summary>
    public RecordId[] Batch(int batchIndex)
    {
        var corner = _batches++ switch
        {
            0 => new[] { 0 },
            1 => [0, RecordSize(), RecordSize()],
            2 when profile.MaxRecordBytes >= ProtocolMaxRecordBytes && _random.Below(4) == 0 => [profile.MaxRecordBytes],
            _ => _random.Below(100) switch { 0 => [0], 1 => [0, RecordSize()], _ => null },
        };
        var sizes = corner ?? [.. Enumerable.Range(0, BatchSize()).Select(_ => RecordSize())];
        return [.. sizes.Select((size, i) => new RecordId(batchIndex, i, size))];
    }

    /// <summary>The largest record protocol v1 allows.</summary>
    public const int ProtocolMaxRecordBytes = 16 << 20;

    private int _batches;

    private int BatchSize()
    {
        var roll = _random.Below(100);
        var most = roll < 70 ? 4 : roll < 95 ? 16 : profile.MaxBatchRecords;
        return 1 + _random.Below(Math.Min(most, profile.MaxBatchRecords));
    }

    /// <summary>A record size: edge sizes (empty and one byte included, first records too), small, medium and a share of large ones.</summary>
    private int RecordSize()
    {
        var roll = Unit();
        int size;
        if (roll < profile.LargeRecordShare)
            size = (64 << 10) + _random.Below(Math.Max(1, profile.MaxRecordBytes - (64 << 10)));
        else if (roll < 0.4)
            size = EdgeSizes[_random.Below(EdgeSizes.Length)];
        else if (roll < 0.85)
            size = _random.Below(200);
        else
            size = 200 + _random.Below(8000);
        return Math.Min(size, profile.MaxRecordBytes);
    }

    /// <summary>A truncation point from the floor up to the log's end; a third of them fall inside the tail not yet durable.</summary>
    public long TruncationPoint(long floor, long durable, long end)
        => _random.Below(3) == 0 && durable + 1 > floor && durable + 1 < end ? Between(durable + 1, end) : Between(floor, end);

    /// <summary>A read's max_bytes: a quarter of reads allow one byte, so the first record (larger, unless empty) must come back alone.</summary>
    public long ReadMaxBytes() => _random.Below(4) == 0 ? 1 : Workload.RecordedRequest.DefaultReadMaxBytes;

    /// <summary>Uniform in [lo, hi] (inclusive).</summary>
    public long Between(long lo, long hi) => hi <= lo ? lo : lo + (long)(_random.Next() % (ulong)(hi - lo + 1));

    public int RunMilliseconds() => (int)Between(profile.MinRunMs, profile.MaxRunMs);

    /// <summary>Requests after which the run's kill comes at the latest (null: time alone); draw it after <see cref="RunMilliseconds"/>.</summary>
    public int? RequestsBeforeKill() => profile.MaxRequestsPerRun > 0 ? 1 + _random.Below(profile.MaxRequestsPerRun) : null;

    public double Unit() => (_random.Next() >> 11) * (1.0 / (1UL << 53));
}
