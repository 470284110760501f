using CrashLab.Storage.Faults.Plans;
using CrashLab.Testing.Workloads;
using FsCheck;

namespace CrashLab.Testing.Generators;

/// <summary>
/// The default generators as an FsCheck arbitrary class: <c>[Property(Arbitrary = [typeof(CrashArbitraries)])]</c>
/// lets a property take a <see cref="Workloads.Workload"/>, a <see cref="FaultPlan"/> or a <see cref="CrashPoint"/> as a parameter.
/// </summary>
public static class CrashArbitraries
{
    public static Arbitrary<Workload> Workload() => CrashArb.Workloads();

    public static Arbitrary<FaultPlan> FaultPlan() => CrashArb.FaultPlans();

    public static Arbitrary<CrashPoint> CrashPoint() => CrashArb.CrashPoints();
}
