using System.Globalization;
using CrashLab.Harness.Campaigns;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CrashLab.Cli;

/// <summary>
/// The campaign as a live table on a terminal's stderr: per scenario a bar towards its budget of
/// crash states (or its share of the time), states per second, violations so far in red, and the
/// time left. Used only when stderr is a terminal; CI logs get the plain lines. stdout stays data.
/// </summary>
internal sealed class LiveProgress(CampaignSettings settings, IAnsiConsole console) : IProgressView
{
    private const int BarWidth = 16;
    private readonly object _gate = new();
    private Task? _live;
    private CampaignTally? _latest;
    private volatile bool _done;

    /// <summary>A live view when stderr is an interactive terminal and not a CI log; null otherwise.</summary>
    public static LiveProgress? ForTerminal(CampaignSettings settings)
        => Console.IsErrorRedirected || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } || Environment.GetEnvironmentVariable("TERM") == "dumb"
            ? null
            : new LiveProgress(settings, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    public void Update(CampaignTally tally)
    {
        lock (_gate)
        {
            _latest = tally;
            _live ??= console.Live(Render(tally)).AutoClear(false).StartAsync(async context =>
            {
                while (!_done)
                {
                    context.UpdateTarget(Render(_latest!));
                    await Task.Delay(250).ConfigureAwait(false);
                }

                context.UpdateTarget(Render(_latest!));
            });
        }
    }

    public void Complete(CampaignTally tally)
    {
        _latest = tally;
        _done = true;
        _live?.GetAwaiter().GetResult();
    }

    /// <summary>The table as it stands (public for tests).</summary>
    public IRenderable Render(CampaignTally tally)
    {
        var elapsed = tally.Elapsed.TotalSeconds;
        var rate = tally.States / Math.Max(elapsed, 0.001);
        var table = new Table().Border(TableBorder.Rounded).Title($"crashlab {Markup.Escape(settings.BackendLabel)} — {elapsed:0}s, {rate:0.0} states/s")
            .AddColumn(new TableColumn("scenario").NoWrap()).AddColumn("level").AddColumn(new TableColumn("progress").NoWrap()).AddColumn(new TableColumn("states").RightAligned())
            .AddColumn(new TableColumn("violations").RightAligned()).AddColumn(new TableColumn("left").RightAligned());
        var share = settings.Duration?.TotalSeconds / Math.Max(1, settings.Scenarios.Count);
        foreach (var scenario in settings.Scenarios)
        {
            var s = tally.For(scenario.Name);
            var budget = settings.StatesPerScenario ?? scenario.Budget;
            var done = share is { } seconds ? Math.Min(1, s.Elapsed.TotalSeconds / seconds) : Math.Min(1, s.States / (double)Math.Max(1, budget));
            var left = share is { } secs ? Math.Max(0, secs - s.Elapsed.TotalSeconds) : Math.Max(0, budget - s.States) / Math.Max(rate, 0.001);
            var violations = s.Violations.Count;
            table.AddRow(
                new Text(scenario.Name), new Text(scenario.Level),
                new Markup($"[{(violations > 0 ? "red" : "green")}]{new string('█', (int)(done * BarWidth))}[/][grey]{new string('░', BarWidth - (int)(done * BarWidth))}[/]"),
                new Text(share == null ? $"{s.States}/{budget}" : s.States.ToString(CultureInfo.InvariantCulture)),
                new Markup(violations > 0 ? $"[bold red]{violations}[/]" : "0"),
                new Text(done >= 1 || _done ? "-" : $"{left:0}s"));
        }

        return table;
    }
}
