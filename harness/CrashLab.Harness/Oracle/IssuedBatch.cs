using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>One append the harness sent, in stdin order, and what became of it.</summary>
public sealed class IssuedBatch(int index, RecordId[] records)
{
    public int Index { get; } = index;

    public RecordId[] Records { get; } = records;

    public BatchState State { get; set; }

    /// <summary>The LSN the backend gave its first record (from the reply).</summary>
    public long? FirstLsn { get; set; }

    public string? Error { get; set; }

    public bool MayBeAbsent => State is BatchState.Unanswered or BatchState.Failed;
}
