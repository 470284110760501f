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
    /// The same, and what no stage accounts for: <paramref name="workerSeconds"/> (the workers' time,
    /// wall clock times workers) less every stage's.
    /// </summary>
    public static string PerUnit(int units, double workerSeconds)
    {
        var unaccounted = workerSeconds * 1000 - StageTimes.Snapshot().Sum(s => s.Total.TotalMilliseconds);
        return PerUnit(units) + string.Create(CultureInfo.InvariantCulture, $", in no stage {unaccounted / Math.Max(1, units):F1} ms");
    }
}
