using System.Diagnostics;
using CrashLab.Harness.Reports;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Runs the scenarios of a campaign one after another, each with N workers on separate data
/// directories, until its budget of crash states (or its share of the time) is spent. Progress
/// goes to stderr each second; the reports are rewritten atomically every few seconds, so a
/// harness killed mid-campaign leaves valid reports of what it finished.
/// </summary>
public sealed class CampaignRunner(CampaignSettings settings)
{
    public CampaignTally Tally { get; } = new();

    public async Task<CampaignTally> RunAsync(CancellationToken cancellationToken)
    {
        RemoveAbandonedWork(settings.OutDir);
        var work = Path.Combine(settings.OutDir, $"work-{Environment.ProcessId}-{Stopwatch.GetTimestamp():x}");
        var cases = Path.Combine(settings.OutDir, "cases");
        Directory.CreateDirectory(work);
        using var reporting = new CancellationTokenSource();
        var reporter = Task.Run(() => ReportPeriodicallyAsync(reporting.Token), CancellationToken.None);
        try
        {
            var share = settings.Duration / Math.Max(1, settings.Scenarios.Count);
            for (var index = 0; index < settings.Scenarios.Count && !cancellationToken.IsCancellationRequested; index++)
                await RunScenarioAsync(index, share, work, cases, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await reporting.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);
            WriteReports();
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
        }

        return Tally;
    }

    private async Task RunScenarioAsync(int index, TimeSpan? share, string work, string cases, CancellationToken cancellationToken)
    {
        var scenario = settings.Scenarios[index];
        var tally = Tally.For(scenario.Name);
        var clock = Stopwatch.StartNew();
        int? budget = settings.StatesPerScenario ?? (share == null ? scenario.Budget : null);
        var claimed = 0;

        // Black-box chains claim one crash state per cycle; white-box cycles check several, so they count what was checked.
        bool WithinBudget(bool claim) => budget == null || (scenario.NeedsShim
            ? tally.States < budget
            : (claim ? Interlocked.Increment(ref claimed) <= budget : Volatile.Read(ref claimed) < budget));
        bool MayContinue(bool claim) =>
            WithinBudget(claim)
            && (share == null || clock.Elapsed < share)
            && (settings.KeepGoing || tally.Violations.IsEmpty)
            && !cancellationToken.IsCancellationRequested;

        var workers = Enumerable.Range(0, settings.Workers).Select(worker => Task.Run(async () =>
        {
            for (var chain = 0; MayContinue(claim: false); chain++)
            {
                var seed = SplitMix.Hash(settings.Seed, (ulong)index, ((ulong)worker << 32) | (uint)chain);
                var chainSettings = new ChainSettings(settings.Backend, settings.BackendLabel, settings.BackendIsCommand, scenario, settings.Seed, seed,
                    Path.Combine(work, scenario.Name, $"w{worker}-c{chain}"), cases, settings.Timeouts);
                if (scenario.NeedsShim)
                    await new WhiteBoxChainRunner(chainSettings, tally).RunAsync(() => MayContinue(claim: true), cancellationToken).ConfigureAwait(false);
                else
                    await new ChainRunner(chainSettings, tally).RunAsync(() => MayContinue(claim: true), cancellationToken).ConfigureAwait(false);
            }
        }, CancellationToken.None)).ToList();

        await Task.WhenAll(workers).ConfigureAwait(false);
        tally.Elapsed = clock.Elapsed;
    }

    private async Task ReportPeriodicallyAsync(CancellationToken stop)
    {
        var tick = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            settings.Progress?.WriteLine(Tally.ProgressLine());
            if (++tick % 5 == 0)
                WriteReports();
        }
    }

    private void WriteReports() => ReportWriter.Write(settings, Tally);

    /// <summary>Work directories of campaigns whose process is gone (killed outright): ours to delete, nothing else is.</summary>
    private static void RemoveAbandonedWork(string outDir)
    {
        if (!Directory.Exists(outDir))
            return;
        foreach (var dir in Directory.GetDirectories(outDir, "work-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length == 3 && int.TryParse(parts[1], out var pid) && !Directory.Exists($"/proc/{pid}"))
                Directory.Delete(dir, recursive: true);
        }
    }
}
