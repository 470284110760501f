using CrashLab.Conformance.Tests.Simulation;
using CrashLab.Tests.Shared;
using CrashLab.Wal;
using Xunit.Abstractions;

namespace CrashLab.Conformance.Tests.Properties;

/// <summary>
/// For each known-bad mutant, FsCheck finds a chain whose recovery breaks the oracle, and shrinks
/// it to a smaller chain that still fails.
/// </summary>
public sealed class MutantPropertyTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllMutants => [.. Mutants.All.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(AllMutants))]
    public async Task Counterexample_ForEachMutant_IsFoundAndShrunk(string mutant)
    {
        Assert.True(Mutants.TryParse(mutant, out var kind), mutant);
        var chain = new SimulatedChain(kind);
        bool Holds(SimCase c) => chain.RunAsync(c).GetAwaiter().GetResult() == null;

        var (original, shrunk, seed) = CounterexampleSearch.Find($"mutant {mutant}", SimCaseArbitrary.Cases(FaultsFor(kind)), Holds, tests: 500);

        output.WriteLine($"{mutant}: {original.Steps.Length} steps / {original.RecordBytes} B shrunk to {shrunk.Steps.Length} steps / {shrunk.RecordBytes} B (replay {CounterexampleSearch.ReplayVariable}={seed})");
        output.WriteLine($"  shrunk: {shrunk}");
        var violation = await chain.RunAsync(shrunk);
        output.WriteLine($"  violation: {violation}");
        Assert.NotNull(violation);
        Assert.True(shrunk.Steps.Length <= original.Steps.Length && shrunk.RecordBytes <= original.RecordBytes);
    }

    /// <summary>The faults a mutant's bug needs to show (most need none: crashes alone expose them).</summary>
    private static SimFault[] FaultsFor(Mutant mutant) => mutant switch
    {
        Mutant.RetryFailedFsync => [SimFault.FsyncEio],
        Mutant.ReadErrorAsEnd or Mutant.ReadErrorCutAndReported => [SimFault.ReadEioInRecovery],
        Mutant.ChecksumsNotVerified => [SimFault.BitFlipAtRest],
        _ => [SimFault.None],
    };
}
