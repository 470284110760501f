using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>A chain model frozen for a case file: everything the oracle needs to judge a recovery again.</summary>
public sealed record ChainModelState(
    ulong PayloadSeed,
    long InitialFirstLsn,
    long HighestBeforeLsn,
    long DurableLsn,
    long LogFirst,
    long LogNext,
    bool MediaFaultPending,
    int NextBatchIndex,
    RecordId?[] ByLsn,
    List<ChainModelState.Batch> Pending)
{
    public long ExcusableThrough { get; init; }

    public bool RequestFaultsInjected { get; init; }

    public sealed record Batch(int Index, RecordId[] Records, BatchState State, long? FirstLsn, string? Error);
}
