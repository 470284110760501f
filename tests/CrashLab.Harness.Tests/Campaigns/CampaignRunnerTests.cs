using System.Text.Json;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using CrashLab.Testing;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>Whole campaigns against real backends: the reference engine, and a tiny Python WAL with and without a bug.</summary>
public sealed class CampaignRunnerTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("crashlab-campaign-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static BackendSpec Reference => TestEngine.Small();

    private static BackendSpec Python(string? bug = null)
        => new("python", "python3", [Path.Combine(AppContext.BaseDirectory, "Fakes", "simple_wal.py"), .. bug == null ? Array.Empty<string>() : ["--bug", bug]], WhiteBox: false);

    private static Scenario ProcessKill => TestEngine.ShortRuns("process-kill");

    [Fact]
    public async Task Campaign_ReferenceEngine_ChecksEveryStateWithoutViolations()
    {
        var tally = await Run(Reference, states: 12, workers: 2);

        Assert.Equal(0, tally.Violations);
        Assert.True(tally.States >= 12, $"{tally.States} states checked");
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "report.json"))).RootElement;
        Assert.Equal("pass", report.GetProperty("verdict").GetString());
        Assert.Contains("<testcase", await File.ReadAllTextAsync(Path.Combine(_out, "junit.xml")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(_out, "work-*"));
    }

    [Fact]
    public async Task Campaign_CorrectExternalBackend_Passes()
    {
        var tally = await Run(Python(), states: 8);

        Assert.Equal(0, tally.Violations);
    }

    [Fact]
    public async Task Campaign_BackendThatAcknowledgesBeforeWriting_IsCaughtAndTheCaseReplays()
    {
        var tally = await Run(Python("ack-before-write"), states: 30);

        var violation = Assert.Single(tally.For("process-kill").Violations);
        Assert.Equal("4-durability", violation.Violation.Rule);
        Assert.True(File.Exists(violation.CaseFile));
        Assert.Contains(violation.CaseFile!, await File.ReadAllTextAsync(Path.Combine(_out, "junit.xml")), StringComparison.Ordinal);

        var replayed = await CaseReplayer.ReplayAsync(CaseFile.Load(violation.CaseFile!), Python("ack-before-write"),
            Directory.CreateDirectory(Path.Combine(_out, "replay")).FullName, HarnessTimeouts.Default, CancellationToken.None);
        Assert.True(replayed.SameRule, $"replay found {replayed.Violation}");
    }

    /// <summary>
    /// --fs auto: a process-kill scenario runs the backend's unmounted form, --fs fuse the mounted
    /// one. Here the unmounted form is a mutant whose every write lands at the wrong offset, so
    /// only a campaign that runs it finds a violation.
    /// </summary>
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Campaign_ProcessKill_RunsTheUnmountedBackendOnlyWhenMountingOnlyForTheShim(bool mountOnlyForTheShim, int violations)
    {
        var backend = Reference with { Unmounted = TestEngine.Small("write-offset-wrong") };

        var tally = await Run(backend, states: 3, mountOnlyForTheShim: mountOnlyForTheShim);

        Assert.Equal(violations, tally.Violations);
    }

    private async Task<CampaignTally> Run(BackendSpec backend, int states, int workers = 1, bool mountOnlyForTheShim = false)
    {
        var settings = new CampaignSettings(backend, backend.Name, backend.Name == "python", [ProcessKill], 11, workers, _out)
        {
            StatesPerScenario = states,
            Progress = null,
            MountOnlyForTheShim = mountOnlyForTheShim,
        };
        return await new CampaignRunner(settings).RunAsync(CancellationToken.None);
    }
}
