using CrashLab.Storage.Faults.Model;

namespace CrashLab.Testing.Workloads;

/// <summary>
/// What a crash test does to the log, step by step, and the seed of every choice the steps leave
/// open (record contents, crash states). The same workload replays the same run. Build one with
/// <c>Workload.Seeded(42).Append(3, 100).GroupCommit(4, 64).PowerLoss()</c>, or let FsCheck
/// generate and shrink them (<see cref="Generators.CrashArb"/>).
/// </summary>
public sealed record Workload(ulong Seed, IReadOnlyList<WorkloadStep> Steps)
{
    public static Workload Seeded(ulong seed) => new(seed, []);

    public Workload Append(int records, int bytes, bool durable = true) => Then(new AppendStep(records, bytes, durable));

    public Workload GroupCommit(int writers, int bytes) => Then(new GroupCommitStep(writers, bytes));

    public Workload Truncate(int keepPercent) => Then(new TruncateStep(keepPercent));

    public Workload PowerLoss(CrashMode mode = CrashMode.DropAll) => Then(new PowerLossStep(mode));

    public Workload Then(WorkloadStep step) => this with { Steps = [.. Steps, step] };

    /// <summary>Bytes of all records the workload appends (what shrinking makes smaller).</summary>
    public long RecordBytes => Steps.Sum(s => s switch
    {
        AppendStep a => (long)a.Records * a.Bytes,
        GroupCommitStep g => (long)g.Writers * g.Bytes,
        _ => 0,
    });

    public override string ToString() => $"seed {Seed}: {Steps.Count} steps [{string.Join("; ", Steps)}]";
}
