using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>The certificate per persistence profile: each profile's verdict rests on the states it admits.</summary>
public sealed class CertificateProfileTests
{
    private const string Posix = "posix", Ext4 = "ext4-ordered";

    private static readonly ScenarioCatalog Catalog = TestEngine.Catalog;

    /// <summary>Every scenario up to L2 with a budget of 2, each state at risk and admitted by both profiles.</summary>
    private static (List<Scenario> Run, CampaignTally Tally) PassingUpToL2(params string[] profiles)
    {
        var run = Catalog.UpTo("L2").Select(s => s with { Budget = 2 }).ToList();
        var tally = new CampaignTally(profiles.Length == 0 ? null : profiles);
        foreach (var scenario in run)
        {
            for (var i = 0; i < 2; i++)
                tally.For(scenario.Name).StateChecked(durableDataAtRisk: true, admittedBy: scenario.NeedsShim ? [Posix, Ext4] : null);
        }

        return (run, tally);
    }

    private static ViolationRecord PosixOnly(Scenario scenario)
        => new(scenario.Name, 1, 1, "power-loss", Violation.Liveness("x") with { AdmittedBy = [Posix], PosixOnlyBecause = "the rename of a (op 2) was lost while the later unlink of b (op 3) survived" }, "case.json");

    [Fact]
    public void From_APosixOnlyViolationAtL2_FailsPosixAndCertifiesExt4()
    {
        var (run, tally) = PassingUpToL2();
        var l2 = run.First(s => s.Level == "L2");
        tally.For(l2.Name).Violation(PosixOnly(l2));

        var certificate = Certificate.From("reference", true, "L2", Catalog, run, tally, 7);

        var level = certificate.Levels.Single(l => l.Name == "L2");
        Assert.Equal(["failed", "passed"], level.Profiles.Select(p => p.Status));
        Assert.Equal("L1", certificate.CertifiedUnder[Posix]);
        Assert.Equal("L2", certificate.CertifiedUnder[Ext4]);
        Assert.False(certificate.Certified);
        Assert.Equal("failed", certificate.Verdict);
        Assert.Equal("L1 under posix; L2 under ext4-ordered", certificate.LevelPerProfile);
        Assert.Equal("NOT certified at L2 (certified at L1); L1 under posix; L2 under ext4-ordered", certificate.Headline);
        Assert.Contains("L2: posix failed, ext4-ordered certified", certificate.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_OnlyExt4Requested_APosixOnlyViolationDoesNotCount()
    {
        var (run, tally) = PassingUpToL2(Ext4);
        var l2 = run.First(s => s.Level == "L2");
        tally.For(l2.Name).Violation(PosixOnly(l2));

        var certificate = Certificate.From("reference", true, "L2", Catalog, run, tally, 7);

        Assert.True(certificate.Certified, certificate.ToText());
        Assert.Equal([Ext4], certificate.Profiles);
    }

    [Fact]
    public void From_AViolationOutsideACrashState_FailsEveryProfile()
    {
        var (run, tally) = PassingUpToL2();
        tally.For(run[0].Name).Violation(new ViolationRecord(run[0].Name, 1, 1, "run", Violation.Liveness("x"), "case.json"));

        var certificate = Certificate.From("reference", true, "L2", Catalog, run, tally, 7);

        Assert.All(certificate.Levels.Single(l => l.Name == run[0].Level).Profiles, p => Assert.Equal("failed", p.Status));
        Assert.Null(certificate.CertifiedLevel);
    }

    [Fact]
    public void From_StatesOnlyPosixAdmits_LeaveExt4Inconclusive()
    {
        var run = Catalog.UpTo("L2").Select(s => s with { Budget = 2 }).ToList();
        var tally = new CampaignTally();
        foreach (var scenario in run)
        {
            for (var i = 0; i < 2; i++)
                tally.For(scenario.Name).StateChecked(durableDataAtRisk: true, admittedBy: scenario.NeedsShim ? [Posix] : null);
        }

        var certificate = Certificate.From("reference", true, "L2", Catalog, run, tally, 7);

        Assert.Equal("L2", certificate.CertifiedUnder[Posix]);
        Assert.Equal("L1", certificate.CertifiedUnder[Ext4]);
        Assert.Equal("inconclusive", certificate.Verdict);
        Assert.Contains("only 0 of the budget's", certificate.Levels.Single(l => l.Name == "L2").Profiles[1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ExhaustiveKills_AreCountedPerProfileAndLevel()
    {
        var (run, tally) = PassingUpToL2();
        var l2 = tally.For(run.First(s => s.Level == "L2").Name);
        l2.ProfileKill(Posix, exhaustive: false, checkedStates: 6, total: 5000);
        l2.ProfileKill(Ext4, exhaustive: true, checkedStates: 12, total: 12);

        var certificate = Certificate.From("reference", true, "L2", Catalog, run, tally, 7);
        var level = certificate.Levels.Single(l => l.Name == "L2");

        Assert.Equal((1, 0), (level.Profiles[0].Kills, level.Profiles[0].ExhaustiveKills));
        Assert.Equal((1, 1), (level.Profiles[1].Kills, level.Profiles[1].ExhaustiveKills));
        // The share reaches what certify prints and writes (certificate.txt and certificate.json), per level and profile.
        var l2Lines = certificate.ToText().Split('\n').SkipWhile(line => !line.TrimStart().StartsWith("L2 ", StringComparison.Ordinal)).Skip(1).TakeWhile(line => line.StartsWith("      ", StringComparison.Ordinal)).ToList();
        Assert.Contains(l2Lines, line => line.Contains(Posix, StringComparison.Ordinal) && line.Contains("kills exhaustive 0/1 (0%)", StringComparison.Ordinal));
        Assert.Contains(l2Lines, line => line.Contains(Ext4, StringComparison.Ordinal) && line.Contains("kills exhaustive 1/1 (100%)", StringComparison.Ordinal));
        var json = System.Text.Json.Nodes.JsonNode.Parse(certificate.ToJson())!["levels"]!.AsArray().Single(l => (string?)l!["name"] == "L2")!["profiles"]!.AsArray();
        Assert.Equal([0, 1], json.Select(p => p!["exhaustive_kills"]!.GetValue<int>()));
        Assert.Equal([1, 1], json.Select(p => p!["kills"]!.GetValue<int>()));
    }
}
