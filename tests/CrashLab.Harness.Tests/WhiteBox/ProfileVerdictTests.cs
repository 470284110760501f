using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Testing;
using CrashLab.Wal;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>
/// Verdicts per persistence profile end to end on the reference engine's mutants: each violation
/// names the profiles that admit its crash state, fails those and no other, and its case rebuilds
/// exactly that state.
/// </summary>
public sealed class ProfileVerdictTests : IDisposable
{
    private const string Posix = "posix", Ext4 = "ext4-ordered";

    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-profiles-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Campaign_MutantWithoutDirectoryFsync_FailsTheProfilesItsStatesAdmitAndReplaysTheSameState()
    {
        var backend = TestEngine.Small(Mutant.NoDirFsync.Name());
        var tally = await Run(backend, TestEngine.Scenario("power-loss-lost-dir-entries"), states: 60, profiles: null);
        var scenario = tally.For("power-loss-lost-dir-entries");

        Assert.NotEmpty(scenario.Violations);
        foreach (var record in scenario.Violations.Where(v => v.Stage == "power-loss"))
        {
            Assert.Contains(Posix, record.Violation.AdmittedBy!);
            Assert.Equal(record.Violation.AdmittedBy!.SequenceEqual([Posix]), record.Violation.PosixOnlyBecause != null);
        }

        foreach (var profile in tally.Profiles)
            Assert.Equal(scenario.Violations.Any(v => v.CountsAgainst(profile)), scenario.Failed(profile));

        // Each finding counts the states checked up to its own (prove's states to detection): a
        // later finding of the same kill, for another profile, comes after it.
        var counts = scenario.Violations.Select(v => v.StatesChecked!.Value).ToList();
        Assert.All(counts, count => Assert.InRange(count, 1, scenario.States));
        Assert.Equal(counts.Distinct().Order(), counts);

        var first = scenario.Violations.First(v => v.Stage == "power-loss");
        var saved = CaseFile.Load(first.CaseFile!);
        var state = Assert.Single(saved.WhiteBox!.States);
        Assert.NotNull(state.Profile);
        Assert.NotEmpty(state.Outcomes!);
        var replayed = await CaseReplayer.ReplayAsync(saved, backend, Directory.CreateDirectory(Path.Combine(_out, "replay")).FullName, HarnessTimeouts.Default, CancellationToken.None);
        Assert.True(replayed.SameRule, $"replay found {replayed.Violation}");
        Assert.Equal(first.Violation.AdmittedBy, replayed.Violation!.AdmittedBy);
    }

    [Fact]
    public async Task Campaign_Ext4OnlyOnAMutantThatAcknowledgesBeforeFdatasync_CatchesItInAStateExt4Admits()
    {
        var tally = await Run(TestEngine.Small(Mutant.AckBeforeFdatasync.Name()), TestEngine.Scenario("power-loss-drop-all"), states: 120, profiles: [Ext4]);
        var scenario = tally.For("power-loss-drop-all");

        var violation = Assert.Single(scenario.Violations);
        Assert.Equal("4-durability", violation.Violation.Rule);
        Assert.Contains(Ext4, violation.Violation.AdmittedBy!);
        Assert.Equal([Ext4], tally.Profiles);
        Assert.True(scenario.Failed(Ext4));
    }

    private async Task<CampaignTally> Run(BackendSpec backend, Scenario scenario, int states, IReadOnlyList<string>? profiles)
    {
        var settings = new CampaignSettings(backend, backend.Name, false, [scenario], 5, 1, _out) { StatesPerScenario = states, Progress = null, Profiles = profiles };
        return await new CampaignRunner(settings).RunAsync(CancellationToken.None);
    }
}
