using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>Per-profile counts: a state counts for each profile that admits it, a chain's counts reach its scenario.</summary>
public sealed class CampaignTallyProfileTests
{
    [Fact]
    public void StateChecked_AdmittedByOneProfile_CountsForThatProfileOnly()
    {
        var tally = new CampaignTally().For("s");

        tally.StateChecked(durableDataAtRisk: true, admittedBy: ["posix"]);
        tally.StateChecked(durableDataAtRisk: false, admittedBy: ["posix", "ext4-ordered"]);
        tally.StateChecked(durableDataAtRisk: true);

        Assert.Equal(3, tally.States);
        Assert.Equal((3, 2), (tally.Profile("posix").States, tally.Profile("posix").StatesAtRisk));
        Assert.Equal((2, 1), (tally.Profile("ext4-ordered").States, tally.Profile("ext4-ordered").StatesAtRisk));
    }

    [Fact]
    public void ChainTally_ForwardsProfileCountsToItsScenario()
    {
        var campaign = new CampaignTally(["ext4-ordered"]);
        var scenario = campaign.For("s");
        var chain = new CampaignTally.ScenarioTally("s", scenario.Profiles, scenario);

        chain.StateChecked(durableDataAtRisk: true, admittedBy: ["posix", "ext4-ordered"]);
        chain.ProfileKill("ext4-ordered", exhaustive: true, checkedStates: 1, total: 1);

        Assert.Equal(1, scenario.Profile("ext4-ordered").States);
        Assert.Equal(1, scenario.Profile("ext4-ordered").ExhaustiveKills);
        Assert.Equal(["ext4-ordered"], scenario.Profiles);
    }

    [Fact]
    public void Passing_AfterAPosixOnlyViolation_IsExt4Only()
    {
        var tally = new CampaignTally().For("s");

        tally.Violation(new ViolationRecord("s", 1, 1, "power-loss", Violation.Liveness("x") with { AdmittedBy = ["posix"] }, null));

        Assert.Equal(["ext4-ordered"], tally.Passing);
        Assert.True(tally.Failed("posix"));
    }
}
