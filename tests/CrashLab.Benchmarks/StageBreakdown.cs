using System.Globalization;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Benchmarks;

/// <summary>Where a campaign's time went, per unit of work (a crash state, a cycle): what the benchmarks print beside a rate.</summary>
internal static class StageBreakdown
{
    /// <summary>Milliseconds per unit spent in each stage since the last <see cref="StageTimes.Reset"/> (summed over workers), and how often each ran.</summary>
    public static string PerUnit(int units)
        => string.Join(", ", StageTimes.Snapshot().Where(s => s.Count > 0)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Stage} {s.Total.TotalMilliseconds / Math.Max(1, units):F1} ms ({s.Count}x)")));

    /// <summary>
    /// The same, against the workers' time (<paramref name="workerSeconds"/>: wall clock times
    /// workers), per unit. What no stage accounts for is that time less the stages' sum, but only
    /// while stages run one after another: a white-box worker starts the next backend while it still
    /// judges the last state, so their sum can exceed the time it took; then it says so instead of
    /// printing a negative remainder.
    /// </summary>
    public static string PerUnit(int units, double workerSeconds)
    {
        var per = Math.Max(1, units);
        var workerMs = workerSeconds * 1000 / per;
        var stagesMs = StageTimes.Snapshot().Sum(s => s.Total.TotalMilliseconds) / per;
        var rest = workerMs >= stagesMs
            ? string.Create(CultureInfo.InvariantCulture, $"in no stage {workerMs - stagesMs:F1} ms")
            : string.Create(CultureInfo.InvariantCulture, $"stages overlapped by {stagesMs - workerMs:F1} ms");
        return PerUnit(units) + string.Create(CultureInfo.InvariantCulture, $"; worker time {workerMs:F1} ms, stages' sum {stagesMs:F1} ms, ") + rest;
    }
}
