using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>Hand-made histories for the oracle: batches issued and answered, then a recovery to judge.</summary>
internal sealed class History
{
    public ChainModel Model { get; } = new(new Payloads(7));

    public History() => Model.Start(new ReadyEvent(1, 1, null, null, "test"));

    /// <summary>Issues a batch of <paramref name="count"/> records; acknowledges it at the next LSN unless told otherwise.</summary>
    public IssuedBatch Append(int count, BatchState state = BatchState.Appended, long? at = null, int? size = null)
    {
        var ids = Enumerable.Range(0, count).Select(i => new RecordId(Model.NextBatchIndex, i, size ?? 16 + i)).ToArray();
        var batch = Model.Issue(ids);
        if (state is BatchState.Appended or BatchState.Durable)
        {
            Model.Acknowledged(batch, at ?? NextLsn(), state == BatchState.Durable);
            if (state == BatchState.Durable)
                Model.AcknowledgedDurable(batch.FirstLsn!.Value + count - 1);
        }
        else
        {
            batch.State = state;
        }

        return batch;
    }

    /// <summary>Judges a recovery that reports <paramref name="ready"/> and returns <paramref name="records"/> from its first_lsn.</summary>
    public List<Violation> Recover(ReadyEvent ready, IEnumerable<byte[]> records)
    {
        var check = new RecoveryCheck(Model, ready);
        var lsn = ready.FirstLsn;
        foreach (var record in records)
        {
            if (!check.Record(lsn++, record))
                break;
        }

        var violations = check.Finish();
        if (violations.Count == 0)
            Model.Accept(ready, check.Matched);
        return violations;
    }

    public byte[] Bytes(IssuedBatch batch, int index) => Model.Payloads.Bytes(batch.Records[index]);

    public IEnumerable<byte[]> All(params IssuedBatch[] batches) => batches.SelectMany(b => b.Records.Select(r => Model.Payloads.Bytes(r)));

    public static ReadyEvent Ready(long first, long next, long? corruption = null) => new(first, next, corruption, corruption == null ? null : "damage", "test");

    private long NextLsn() => Math.Max(Model.LogNext, Model.HighestAcknowledgedLsn + 1);
}
