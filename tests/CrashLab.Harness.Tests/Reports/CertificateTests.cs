using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>The certificate's verdict and what it rests on.</summary>
public sealed class CertificateTests
{
    private static readonly ScenarioCatalog Catalog = TestEngine.Catalog;

    [Fact]
    public void From_EveryStateAtRiskAndNoViolation_IsCertifiedAndNamesTheBackend()
    {
        var run = Catalog.UpTo("L1").Select(s => s with { Budget = 2 }).ToList();
        var tally = new CampaignTally();
        foreach (var scenario in run)
        {
            tally.For(scenario.Name).SawReady("my-wal/1.2");
            for (var i = 0; i < 2; i++)
                tally.For(scenario.Name).StateChecked(durableDataAtRisk: true);
        }

        var certificate = Certificate.From("python3 wal.py", false, "L1", Catalog, run, tally, 7);

        Assert.Equal("certified", certificate.Verdict);
        Assert.Equal("my-wal/1.2", certificate.BackendReported);
        Assert.Contains("reports itself as \"my-wal/1.2\"", certificate.ToText(), StringComparison.Ordinal);
        Assert.Contains($"CrashLab {BuildInfo.Version} (commit {BuildInfo.Commit})", certificate.ToText(), StringComparison.Ordinal);
        Assert.Contains("\"crash_lab_commit\"", certificate.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToText_WithElapsedTime_SaysHowLongTheCertificationTook()
    {
        var certificate = Certificate.From("python3 wal.py", false, "L1", Catalog, [], new CampaignTally(), 7);

        Assert.DoesNotContain("wall clock", certificate.ToText(), StringComparison.Ordinal);
        Assert.Contains("took 0:04:47 wall clock", (certificate with { ElapsedSeconds = 287.4 }).ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToText_CertifiedAtL1_SaysL1ProvesNothingAboutFsyncOrPowerLossAndNamesTheNextLevel()
    {
        var run = Catalog.UpTo("L1").Select(s => s with { Budget = 1 }).ToList();
        var tally = new CampaignTally();
        foreach (var scenario in run)
            tally.For(scenario.Name).StateChecked(durableDataAtRisk: true);

        var certificate = Certificate.From("python3 wal.py", false, "L1", Catalog, run, tally, 7);

        Assert.Equal("CERTIFIED at L1", certificate.Headline);
        Assert.Contains("L1 kills the process only", certificate.ToText(), StringComparison.Ordinal);
        Assert.Contains("proves nothing about fsync or power loss", certificate.ToText(), StringComparison.Ordinal);
        Assert.Contains("Next: --level L2", certificate.ToText(), StringComparison.Ordinal);
        Assert.Contains("proves nothing about fsync or power loss", certificate.ToJson(), StringComparison.Ordinal);
        Assert.Contains("proves nothing about fsync or power loss", Harness.Reports.Html.HtmlReport.ForCampaign(new CampaignSettings(new Harness.Backends.BackendSpec("python3 wal.py", "python3", ["wal.py"], false), "python3 wal.py", true, run, 7, 1, Path.GetTempPath()) { Progress = null }, tally, certificate), StringComparison.Ordinal);
    }

    [Fact]
    public void From_NothingAtRisk_IsInconclusive()
    {
        var run = Catalog.UpTo("L1").Select(s => s with { Budget = 1 }).ToList();
        var tally = new CampaignTally();
        foreach (var scenario in run)
            tally.For(scenario.Name).StateChecked(durableDataAtRisk: false);

        Assert.Equal("inconclusive", Certificate.From("b", false, "L1", Catalog, run, tally, 7).Verdict);
    }

    [Fact]
    public void From_AViolation_IsFailed()
    {
        var run = Catalog.UpTo("L1").Select(s => s with { Budget = 1 }).ToList();
        var tally = new CampaignTally();
        tally.For(run[0].Name).Violation(new ViolationRecord(run[0].Name, 1, 1, "run", Harness.Oracle.Violation.Liveness("x"), "case.json"));

        Assert.Equal("failed", Certificate.From("b", false, "L1", Catalog, run, tally, 7).Verdict);
    }
}
