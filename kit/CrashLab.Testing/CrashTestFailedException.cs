using CrashLab.Harness.Oracle;
using CrashLab.Testing.Workloads;

namespace CrashLab.Testing;

/// <summary>
/// A crash test found a violation of the log's contract. The message names the rule broken, the
/// crash state (the earliest crash point that fails, in the simplest power-loss mode that fails
/// there), and the workload whose seed replays it.
/// </summary>
public sealed class CrashTestFailedException : Exception
{
    internal CrashTestFailedException(Violation violation, string where, Workload workload, int statesPassed)
        : base($"CrashLab: {violation}{Environment.NewLine}  where:    {where}{Environment.NewLine}  workload: {workload}{Environment.NewLine}  passed:   {statesPassed} crash states before this one")
    {
        Violation = violation;
        Where = where;
        Workload = workload;
    }

    public Violation Violation { get; }

    /// <summary>The crash state or moment of the run where it broke.</summary>
    public string Where { get; }

    public Workload Workload { get; }
}
