using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Harness.WhiteBox;
using CrashLab.Testing;
using CrashLab.Wal;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>
/// White-box campaigns end to end: every power-loss and fault scenario on the reference engine
/// with zero violations; a mutant's failure replays exactly and shrinks to a smaller case that
/// still fails.
/// </summary>
public sealed class WhiteBoxCampaignTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-whitebox-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static BackendSpec Engine(string? mutant = null) => TestEngine.Small(mutant);

    private static Scenario Load(string name, bool shortRuns = true) => shortRuns ? TestEngine.ShortRuns(name) : TestEngine.Scenario(name);

    [Theory]
    [InlineData("power-loss-drop-all")]
    [InlineData("power-loss-torn-sectors")]
    [InlineData("fsync-eio")]
    [InlineData("enospc")]
    [InlineData("write-eio")]
    [InlineData("read-eio-recovery")]
    [InlineData("bitflip-on-write")]
    [InlineData("misdirected-write")]
    public async Task Campaign_ReferenceEngineUnderEachFault_FindsNoViolation(string scenario)
    {
        var tally = await Run(Engine(), Load(scenario), states: 12);

        Assert.True(tally.Violations == 0, string.Join("; ", tally.For(scenario).Violations.Select(v => $"{v.Violation} ({v.CaseFile})")));
        Assert.True(tally.States >= 12, $"{tally.States} crash states checked");
    }

    [Fact]
    public async Task Case_FromAMutantCaughtByPowerLoss_ReplaysExactlyAndShrinks()
    {
        // Runs that end by time alone send many requests, so the case caught has something to shrink:
        // no crash points and no kills during recovery (a crash point at op 8 leaves a case of two
        // requests that is already minimal, and the shrinker rightly finds nothing to cut).
        var scenario = Load("power-loss-drop-all", shortRuns: false);
        scenario = scenario with { CrashPointShare = 0, KillDuringRecoveryShare = 0, Workload = scenario.Workload with { MaxRequestsPerRun = 0 } };
        var tally = await Run(Engine(Mutant.AckBeforeFdatasync.Name()), scenario, states: 120);
        // One case per profile the kill fails: a state only posix admits may come first, then one ext4-ordered admits.
        var violations = tally.For("power-loss-drop-all").Violations.ToList();
        Assert.InRange(violations.Count, 1, 2);
        Assert.All(violations, v => Assert.Equal("4-durability", v.Violation.Rule));
        var violation = violations[0];
        var saved = CaseFile.Load(violation.CaseFile!);
        Assert.NotNull(saved.WhiteBox?.Requests);

        var replayed = await CaseReplayer.ReplayAsync(saved, Engine(Mutant.AckBeforeFdatasync.Name()), Directory.CreateDirectory(Path.Combine(_out, "replay")).FullName, HarnessTimeouts.Default, CancellationToken.None);
        Assert.True(replayed.SameRule, $"replay found {replayed.Violation}");

        var shrinker = new Shrinker(Engine(Mutant.AckBeforeFdatasync.Name()), HarnessTimeouts.Default, _ => { });
        var minimal = await shrinker.ShrinkAsync(saved, 40, CancellationToken.None);
        var (before, after) = (CaseSize.Of(saved), CaseSize.Of(minimal));
        Assert.True(after.Requests < before.Requests || after.RecordBytes < before.RecordBytes || after.CrashOp < before.CrashOp, $"{before} -> {after}");
        var again = await CaseReplayer.ReplayAsync(minimal, Engine(Mutant.AckBeforeFdatasync.Name()), Directory.CreateDirectory(Path.Combine(_out, "replay-min")).FullName, HarnessTimeouts.Default, CancellationToken.None);
        Assert.True(again.SameRule, $"the shrunk case no longer fails: {again.Violation}");
    }

    /// <summary>The in-process shim's reads are the engine's own: a case naming the reads that failed replays on it as a case of read numbers did.</summary>
    [Fact]
    public async Task Case_FromAMutantCaughtByReadEio_NamesTheReadsThatFailedAndReplays()
    {
        var mutant = Mutant.ReadErrorAsEnd.Name();
        var tally = await Run(Engine(mutant), Load("read-eio-recovery"), states: 60);
        var violation = tally.For("read-eio-recovery").Violations.First();
        var saved = CaseFile.Load(violation.CaseFile!);

        var rule = Assert.Single(saved.WhiteBox!.RecoveryPlan!.Faults);
        Assert.Equal(0, rule.OneIn);
        Assert.NotEmpty(rule.Reads!);
        var replayed = await CaseReplayer.ReplayAsync(saved, Engine(mutant), Directory.CreateDirectory(Path.Combine(_out, "replay")).FullName, HarnessTimeouts.Default, CancellationToken.None);
        Assert.True(replayed.SameRule, $"replay found {replayed.Violation?.ToString() ?? "nothing"}, the case {violation.Violation}");
    }

    /// <summary>
    /// torn-tail-not-cut recovers a torn state as if the torn bytes were not there and appends past
    /// them: its own check passes, and only a second start on what that recovery left loses the
    /// append. A kill's first torn state the chain could go on from gets that start at once, so the
    /// mutant is caught at that state (not at the next cycle's start, after every other state of
    /// the kill), and the case replays the same way.
    /// </summary>
    [Fact]
    public async Task Campaign_MutantLeavingATornTail_IsCaughtAtTheTornStateByASecondStart_AndReplays()
    {
        var mutant = Mutant.TornTailNotCut.Name();
        var tally = await Run(Engine(mutant), Load("power-loss-torn-sectors", shortRuns: false), states: 90);
        var violation = tally.For("power-loss-torn-sectors").Violations.First();
        var saved = CaseFile.Load(violation.CaseFile!);

        Assert.Equal("power-loss", saved.Stage);
        Assert.StartsWith("a second start on the directory this state's recovery left found", violation.Violation.Message);
        var replayed = await CaseReplayer.ReplayAsync(saved, Engine(mutant), Directory.CreateDirectory(Path.Combine(_out, "replay")).FullName, HarnessTimeouts.Default, CancellationToken.None);
        Assert.True(replayed.SameRule, $"replay found {replayed.Violation?.ToString() ?? "nothing"}, the case {violation.Violation}");
    }

    [Fact]
    public async Task Campaign_MutantWithoutDirectoryFsync_IsCaughtByPowerLoss()
    {
        var tally = await Run(Engine(Mutant.NoDirFsync.Name()), Load("power-loss-drop-all", shortRuns: false), states: 180);

        Assert.NotEmpty(tally.For("power-loss-drop-all").Violations);
    }

    private async Task<CampaignTally> Run(BackendSpec backend, Scenario scenario, int states)
    {
        var settings = new CampaignSettings(backend, backend.Name, false, [scenario], 5, 1, _out) { StatesPerScenario = states, Progress = null };
        return await new CampaignRunner(settings).RunAsync(CancellationToken.None);
    }
}
