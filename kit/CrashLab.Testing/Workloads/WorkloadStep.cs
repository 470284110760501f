using CrashLab.Storage.Faults.Model;

namespace CrashLab.Testing.Workloads;

/// <summary>One thing a workload does to the log.</summary>
public abstract record WorkloadStep;

/// <summary>One append of <paramref name="Records"/> records of <paramref name="Bytes"/> bytes each, durable or not.</summary>
public sealed record AppendStep(int Records, int Bytes, bool Durable) : WorkloadStep
{
    public override string ToString() => $"append {Records}x{Bytes}B{(Durable ? " durable" : "")}";
}

/// <summary>
/// <paramref name="Writers"/> durable one-record appends issued back to back before any is awaited,
/// so a log that commits in groups can cover several with one fsync.
/// </summary>
public sealed record GroupCommitStep(int Writers, int Bytes) : WorkloadStep
{
    public override string ToString() => $"group-commit {Writers}x{Bytes}B";
}

/// <summary>A truncation that keeps about <paramref name="KeepPercent"/> percent of the acknowledged log.</summary>
public sealed record TruncateStep(int KeepPercent) : WorkloadStep
{
    public override string ToString() => $"truncate keep {KeepPercent}%";
}

/// <summary>Power loss now: the log is reopened on a state the loss may leave (of this mode), and the workload goes on.</summary>
public sealed record PowerLossStep(CrashMode Mode) : WorkloadStep
{
    public override string ToString() => $"power-loss {Mode.Name()}";
}
