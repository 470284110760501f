using CrashLab.Conformance.Tests.Simulation;
using Xunit.Abstractions;

namespace CrashLab.Conformance.Tests.Properties;

/// <summary>
/// For arbitrary workloads, crash points, crash states and fault plans, the reference engine's
/// recovery on the simulated disk is prefix-consistent, as the harness's oracle judges it.
/// </summary>
public sealed class SimulatedRecoveryPropertyTests(ITestOutputHelper output)
{
    private static readonly SimFault[] AllFaults = Enum.GetValues<SimFault>();

    [Fact]
    public void Recovery_OfReferenceEngineOnSimulatedDisk_IsPrefixConsistent()
    {
        var cases = 0;
        PropertyRunner.Check("reference engine, simulated disk", SimCaseArbitrary.Cases(AllFaults), c =>
        {
            cases++;
            var violation = new SimulatedChain(Wal.Mutant.None).RunAsync(c).GetAwaiter().GetResult();
            if (violation != null)
                output.WriteLine($"{violation} in {c}");
            return violation == null;
        }, tests: 500);

        Assert.Equal(500, cases);
    }
}
