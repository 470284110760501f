using CrashLab.Harness.Campaigns;
using CrashLab.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
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
    private int _run;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    /// <summary>A shipped scenario and a campaign seed.</summary>
    public sealed record ScenarioRun(string Name, ulong Seed);

    public static class ScenarioRuns
    {
        public static Arbitrary<ScenarioRun> Runs() => Arb.From(from name in Gen.Elements(Scenarios)
                                                               from seed in Gen.Choose(1, int.MaxValue)
                                                               select new ScenarioRun(name, (ulong)seed));
    }

    [Property(MaxTest = 5, QuietOnSuccess = true, Arbitrary = [typeof(ScenarioRuns)])]
    public Property Campaign_OfReferenceEngineOnRealProcesses_FindsNoViolation(ScenarioRun c)
    {
        var scenario = TestEngine.ShortRuns(c.Name, maxRunMs: 80);
        var backend = TestEngine.Small();
        var settings = new CampaignSettings(backend, "reference", false, [scenario], c.Seed, 1, Path.Combine(_out, $"run-{Interlocked.Increment(ref _run)}")) { StatesPerScenario = 6, Progress = null };
        var tally = new CampaignRunner(settings).RunAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var v in tally.For(c.Name).Violations)
            output.WriteLine($"{c.Name} seed {c.Seed}: {v.Violation} ({v.CaseFile})");
        return (tally.Violations == 0 && tally.States >= 6).Label($"{tally.Violations} violations in {tally.States} states");
    }
}
