using System.Diagnostics;
using System.Globalization;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// Crash states checked per second per worker by a campaign of the given scenarios (their time
/// shared evenly), every check the contract asks for included: the figure a user waits on.
/// </summary>
internal static class CrashStateRate
{
    /// <returns>
    /// Also each scenario's states, kills and seconds: a figure over several scenarios is their
    /// states over their time, and a scenario whose kill leaves one distinct state pays a whole
    /// backend life per state where another shares it among eight.
    /// </returns>
    public static async Task<(double PerWorker, int States, double Seconds, string PerScenario)> MeasureAsync(BackendSpec backend, IReadOnlyList<Scenario> scenarios, int workers, string workDir, TimeSpan duration)
    {
        var settings = new CampaignSettings(backend, backend.Name, !backend.WhiteBox || backend.Fuse, scenarios, 1, workers, Path.Combine(workDir, "campaign-" + Guid.NewGuid().ToString("N")))
        {
            Duration = duration,
            Progress = null,
        };
        var clock = Stopwatch.StartNew();
        var tally = await new CampaignRunner(settings).RunAsync(CancellationToken.None).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        // workDir is one measurement's directory inside the benchmark's.
        if (tally.Violations > 0)
            throw BenchmarkFinding.KeepingEvidence(settings.OutDir, Path.GetDirectoryName(Path.GetFullPath(workDir).TrimEnd('/'))!, backend.ToString());

        Directory.Delete(settings.OutDir, recursive: true);
        var perScenario = string.Join(", ", tally.Scenarios.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Name} {s.States} states of {s.Cycles} kills in {s.Elapsed.TotalSeconds:F1} s ({(double)s.States / Math.Max(1, s.Cycles):F1} per kill)")));
        return (tally.States / seconds / workers, tally.States, seconds, perScenario);
    }
}
