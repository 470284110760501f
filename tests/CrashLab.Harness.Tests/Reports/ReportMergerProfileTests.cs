using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>Merging shards keeps each profile's counts and which profiles each violation fails.</summary>
public sealed class ReportMergerProfileTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-merge-profiles-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Merge_OfShardsWithAPosixOnlyViolation_KeepsPerProfileCountsAndVerdicts()
    {
        var scenario = TestEngine.Scenario("power-loss-lost-dir-entries");
        for (var index = 0; index < 2; index++)
        {
            var settings = new CampaignSettings(new BackendSpec("reference", "/bin/true", [], WhiteBox: true), "reference", false, [scenario], 3, 1, Path.Combine(_out, $"s{index}"))
            {
                Shard = new Shard(index, 2),
                Progress = null,
            };
            var tally = new CampaignTally { Finished = true };
            var counts = tally.For(scenario.Name);
            counts.StateChecked(durableDataAtRisk: true, admittedBy: ["posix", "ext4-ordered"]);
            counts.StateChecked(durableDataAtRisk: true, admittedBy: ["posix"]);
            counts.ProfileKill("ext4-ordered", exhaustive: true, checkedStates: 1, total: 1);
            if (index == 1)
                counts.Violation(new ViolationRecord(scenario.Name, 9, 1, "power-loss", Violation.Liveness("x") with { AdmittedBy = ["posix"], PosixOnlyBecause = "because" }, null));
            ReportWriter.Write(settings, tally, html: false);
        }

        var merged = ReportMerger.Merge([Path.Combine(_out, "s0"), Path.Combine(_out, "s1")], Path.Combine(_out, "merged")).Tally.For(scenario.Name);

        Assert.Equal((4, 2), (merged.Profile("posix").States, merged.Profile("ext4-ordered").States));
        Assert.Equal(2, merged.Profile("ext4-ordered").ExhaustiveKills);
        Assert.True(merged.Failed("posix"));
        Assert.False(merged.Failed("ext4-ordered"));
        Assert.Equal("because", Assert.Single(merged.Violations).Violation.PosixOnlyBecause);
    }
}
