using CrashLab.Harness.Campaigns;
using CrashLab.Testing;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace CrashLab.Conformance.Tests.Properties;

/// <summary>
/// The same property on real child processes: for arbitrary scenarios and seeds, a short
/// campaign against the reference engine finds no violation. Few cases: each spawns engines.
/// </summary>
public sealed class ChildProcessPropertyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Scenarios = ["process-kill", "kill-during-truncation", "power-loss-torn-sectors", "power-loss-lost-dir-entries", "fsync-eio", "write-eio"];

    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-property-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Campaign_OfReferenceEngineOnRealProcesses_FindsNoViolation()
    {
        var cases = Arb.From(from name in Gen.Elements(Scenarios)
                             from seed in Gen.Choose(1, int.MaxValue)
                             select (Name: name, Seed: (ulong)seed));
        var run = 0;
        PropertyRunner.Check("reference engine, child processes", cases, c =>
        {
            var scenario = TestEngine.ShortRuns(c.Name, maxRunMs: 80);
            var backend = TestEngine.Small();
            var settings = new CampaignSettings(backend, "reference", false, [scenario], c.Seed, 1, Path.Combine(_out, $"run-{run++}")) { StatesPerScenario = 6, Progress = null };
            var tally = new CampaignRunner(settings).RunAsync(CancellationToken.None).GetAwaiter().GetResult();
            foreach (var v in tally.For(c.Name).Violations)
                output.WriteLine($"{c.Name} seed {c.Seed}: {v.Violation} ({v.CaseFile})");
            return tally.Violations == 0 && tally.States >= 6;
        }, tests: 5);

        Assert.Equal(5, run);
    }
}
