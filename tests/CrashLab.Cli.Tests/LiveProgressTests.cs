using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using Spectre.Console;

namespace CrashLab.Cli.Tests;

/// <summary>The live table a person sees on a terminal: a row per scenario with its bar, states towards the budget, violations and time left.</summary>
public sealed class LiveProgressTests
{
    [Fact]
    public void Render_ScenarioWithAViolation_ShowsStatesBudgetAndViolations()
    {
        var scenarios = new[] { new Scenario { Name = "process-kill", Level = "L1", Budget = 10 }, new Scenario { Name = "power-loss-drop-all", Level = "L2", Budget = 20 } };
        var settings = new CampaignSettings(new BackendSpec("fake", "fake", [], false), "fake", true, scenarios, 1, 1, "/tmp") { Progress = null };
        var tally = new CampaignTally();
        for (var i = 0; i < 4; i++)
            tally.For("process-kill").StateChecked(durableDataAtRisk: true);
        tally.For("process-kill").Violation(new ViolationRecord("process-kill", 1, 1, "recovery", new Harness.Oracle.Violation("4-durability", "lost"), null));
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });

        console.Write(new LiveProgress(settings, console).Render(tally));

        var text = output.ToString();
        Assert.Contains("process-kill", text, StringComparison.Ordinal);
        Assert.Contains("4/10", text, StringComparison.Ordinal);
        Assert.Contains("0/20", text, StringComparison.Ordinal);
        Assert.Contains("crashlab fake", text, StringComparison.Ordinal);
        Assert.Matches(@"4/10\s*│\s*1\s*│", text);
    }
}
