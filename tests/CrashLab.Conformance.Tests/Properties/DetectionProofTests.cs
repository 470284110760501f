using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Conformance;
using CrashLab.Testing;
using CrashLab.Wal;
using Xunit.Abstractions;

namespace CrashLab.Conformance.Tests.Properties;

/// <summary>The detection proof as a test: every mutant has a scenario, and each is caught by it within the budget.</summary>
public sealed class DetectionProofTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-proof-").FullName;

    private static ScenarioCatalog Catalog => TestEngine.Catalog;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Targets_CoverEveryMutantOnceWithAShippedScenario()
    {
        Assert.Equal(Mutants.All.Keys.Order(StringComparer.Ordinal), DetectionTarget.All.Where(t => !t.IsPython).Select(t => t.Mutant).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(DetectionTarget.PythonExample), DetectionTarget.PythonExample);
        foreach (var target in DetectionTarget.All)
            Assert.Single(Catalog.Select(target.Scenario));
        Assert.True(Catalog.All.Count >= 16, $"{Catalog.All.Count} scenarios");
    }

    [Fact]
    public async Task Proof_EveryMutant_IsCaughtWithinTheBudget()
    {
        var proof = new DetectionProof(name => TestEngine.AsCli($"mutant:{name}"), Catalog, 7, _out) { Parallel = 2 };

        var results = await proof.RunAsync(DetectionTarget.All, CancellationToken.None);

        foreach (var result in results)
            output.WriteLine(result.ToLine());
        Assert.All(results, r => Assert.True(r.Caught && r.States <= DetectionTarget.Budget, r.ToLine()));
    }

    /// <summary>
    /// FUSE carries the same model: mutants whose bugs only power loss or an fsync error shows are
    /// caught when the engine runs as a black-box program (its own shim off) on a FUSE mount.
    /// </summary>
    [Fact]
    public async Task Proof_PowerLossAndFsyncMutantsAsBlackBoxProgramsOnFuse_AreCaught()
    {
        string[] bugs = [Mutant.AckBeforeFdatasync.Name(), Mutant.NoDirFsync.Name(), Mutant.NonAtomicBatch.Name(), Mutant.RetryFailedFsync.Name()];
        var proof = new DetectionProof(name => TestEngine.AsCli($"mutant:{name}"), Catalog, 7, _out)
        {
            Parallel = 2,
            Placement = backend => backend.ThroughFuse(TestEngine.Fuse, []),
        };

        var results = await proof.RunAsync([.. DetectionTarget.All.Where(t => bugs.Contains(t.Mutant))], CancellationToken.None);

        foreach (var result in results)
            output.WriteLine(result.ToLine());
        Assert.Equal(bugs.Length, results.Count);
        Assert.All(results, r => Assert.True(r.Caught && r.States <= DetectionTarget.Budget, r.ToLine()));
    }
}
