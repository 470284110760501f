using CrashLab.Conformance.Tests.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit.Abstractions;

namespace CrashLab.Conformance.Tests.Properties;

/// <summary>
/// For arbitrary workloads, crash points, crash states and fault plans, the reference engine's
/// recovery on the simulated disk is prefix-consistent, as the harness's oracle judges it.
/// </summary>
public sealed class SimulatedRecoveryPropertyTests(ITestOutputHelper output)
{
    /// <summary>Chains under every fault a simulated chain knows.</summary>
    public static class AnyFault
    {
        public static Arbitrary<SimCase> Cases() => SimCaseArbitrary.Cases(Enum.GetValues<SimFault>());
    }

    [Property(MaxTest = 500, QuietOnSuccess = true, Arbitrary = [typeof(AnyFault)])]
    public Property Recovery_OfReferenceEngineOnSimulatedDisk_IsPrefixConsistent(SimCase c)
    {
        var violation = new SimulatedChain(Wal.Mutant.None).RunAsync(c).GetAwaiter().GetResult();
        if (violation != null)
            output.WriteLine($"{violation} in {c}");
        return (violation == null).Label($"violation: {violation}");
    }
}
