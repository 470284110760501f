namespace CrashLab.Harness.Workload;

/// <summary>Names a record the harness issued: its bytes are regenerated from the chain's seed, never stored.</summary>
public readonly record struct RecordId(int Batch, int Index, int Length);
