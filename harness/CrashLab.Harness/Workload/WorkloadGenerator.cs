using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Workload;

/// <summary>Seeded choices of what to send next: ops, batch sizes, record sizes.</summary>
public sealed class WorkloadGenerator(WorkloadProfile profile, ulong seed)
{
    /// <summary>Sizes that catch framing bugs: empty, one byte, sector and page boundaries, 12 KiB.</summary>
    private static readonly int[] EdgeSizes = [0, 1, 7, 8, 511, 512, 513, 4095, 4096, 4097, 12 << 10];

    private readonly SplitMix _random = new(seed);

    public WorkloadProfile Profile => profile;

    public enum Op { Append, Sync, Truncate, Read, Stat }

    public Op NextOp()
    {
        var roll = Unit();
        if ((roll -= profile.SyncShare) < 0)
            return Op.Sync;
        if ((roll -= profile.TruncateShare) < 0)
            return Op.Truncate;
        if ((roll -= profile.ReadShare) < 0)
            return Op.Read;
        return (roll -= profile.StatShare) < 0 ? Op.Stat : Op.Append;
    }

    public bool SyncAppend() => Unit() < profile.SyncAppendShare;

    public int BatchSize()
    {
        var roll = _random.Below(100);
        var most = roll < 70 ? 4 : roll < 95 ? 16 : profile.MaxBatchRecords;
        return 1 + _random.Below(Math.Min(most, profile.MaxBatchRecords));
    }

    /// <summary>A record size; the first record of a batch has at least 8 bytes so batches never look alike.</summary>
    public int RecordSize(bool firstOfBatch)
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
        size = Math.Min(size, profile.MaxRecordBytes);
        return firstOfBatch ? Math.Max(8, size) : size;
    }

    /// <summary>Uniform in [lo, hi] (inclusive).</summary>
    public long Between(long lo, long hi) => hi <= lo ? lo : lo + (long)(_random.Next() % (ulong)(hi - lo + 1));

    public int RunMilliseconds() => (int)Between(profile.MinRunMs, profile.MaxRunMs);

    public double Unit() => (_random.Next() >> 11) * (1.0 / (1UL << 53));
}
