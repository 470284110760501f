using System.Text.Json;
using CrashLab.Cli.Commands;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Cli.Tests;

/// <summary>A budget is spent as asked, and the reports say where it went.</summary>
public sealed class BudgetTests : CliTest
{
    private static readonly string Example = Path.Combine(AppContext.BaseDirectory, "examples", "simple_wal.py");

    [Theory]
    [InlineData(60, 7)]
    [InlineData(14, 7)]
    [InlineData(5, 3)]
    public void SplitBudget_AnyBudget_AddsUpToItPerLevel(int budget, int scenarios)
    {
        var split = CertifyCommand.SplitBudget([.. Enumerable.Range(0, scenarios).Select(i => new Scenario { Name = $"s{i}", Level = "L1" })], budget);

        Assert.Equal(budget, split.Sum(s => s.Budget));
        Assert.InRange(split.Max(s => s.Budget) - split.Min(s => s.Budget), 0, 1);
    }

    [Fact]
    public async Task Campaign_FailedScenario_CountsTheStatesItChecked()
    {
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", $"python3 {Example} --bug ack-before-write", "--scenario", "process-kill", "--budget", "4", "--out", Out);

        Assert.Equal(1, result.ExitCode);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "report.json")));
        var scenario = report.RootElement.GetProperty("scenarios")[0];
        Assert.True(scenario.GetProperty("states_checked").GetInt32() >= 1, result.Stdout);
        Assert.Equal(4, scenario.GetProperty("budget").GetInt32());
        Assert.Contains("crash states checked of a budget of 4", result.Stdout, StringComparison.Ordinal);
    }
}
