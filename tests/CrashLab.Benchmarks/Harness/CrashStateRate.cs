using System.Diagnostics;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// Crash states checked per second per worker by a campaign of the given scenarios (their time
/// shared evenly), every check the contract asks for included: the figure a user waits on.
/// </summary>
internal static class CrashStateRate
{
    public static async Task<(double PerWorker, int States, double Seconds)> MeasureAsync(BackendSpec backend, IReadOnlyList<Scenario> scenarios, int workers, string workDir, TimeSpan duration)
    {
        var settings = new CampaignSettings(backend, backend.Name, !backend.WhiteBox || backend.Fuse, scenarios, 1, workers, Path.Combine(workDir, "campaign-" + Guid.NewGuid().ToString("N")))
        {
            Duration = duration,
            Progress = null,
        };
        var clock = Stopwatch.StartNew();
        var tally = await new CampaignRunner(settings).RunAsync(CancellationToken.None).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        if (tally.Violations > 0)
        {
            // The benchmark's work directory (workDir's parent) is deleted when it ends: keep the
            // evidence of a finding beside it, on the same file system, so the move is a rename.
            var benchDir = Path.GetDirectoryName(Path.GetFullPath(workDir).TrimEnd('/'))!;
            var kept = Path.Combine(Path.GetDirectoryName(benchDir)!, "crashlab-bench-violation-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.Move(settings.OutDir, kept);
            throw new BenchmarkFinding($"{backend} failed a check during the benchmark: its campaign's reports and case files are in {kept}");
        }

        Directory.Delete(settings.OutDir, recursive: true);
        return (tally.States / seconds / workers, tally.States, seconds);
    }
}
