namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// A benchmark campaign found a violation: a result about the backend (or the harness), not a
/// crash of the benchmark, so it ends the run with one line and exit status 1.
/// </summary>
internal sealed class BenchmarkFinding(string message) : Exception(message);
