namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// A benchmark campaign found a violation: a result about the backend (or the harness), not a
/// crash of the benchmark, so it ends the run with one line and exit status 1.
/// </summary>
internal sealed class BenchmarkFinding(string message) : Exception(message)
{
    /// <summary>
    /// Keeps a failed campaign's reports and case files (<paramref name="campaignDir"/>) and returns
    /// the finding that names where they went. The benchmark's work directory
    /// (<paramref name="benchDir"/>) is deleted when it ends, so the evidence moves beside it, on
    /// the same file system (the move is a rename).
    /// </summary>
    public static BenchmarkFinding KeepingEvidence(string campaignDir, string benchDir, string what)
    {
        var kept = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(benchDir).TrimEnd('/'))!, "crashlab-bench-violation-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.Move(campaignDir, kept);
        return new BenchmarkFinding($"{what} failed a check during the benchmark: its campaign's reports and case files are in {kept}");
    }
}
