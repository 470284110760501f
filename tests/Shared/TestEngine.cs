using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Workload;

namespace CrashLab.Testing;

/// <summary>
/// Backends and scenarios as the end-to-end tests run them: the engine built beside the tests,
/// with 64 KiB segments so short runs cross segment boundaries, and the shipped scenarios.
/// </summary>
internal static class TestEngine
{
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "crashlab-engine");

    /// <summary>The reference engine, or a mutant of it (<paramref name="mutant"/>), with 64 KiB segments.</summary>
    public static BackendSpec Small(string? mutant = null)
        => new(mutant == null ? BackendSpec.Reference : $"{BackendSpec.MutantPrefix}{mutant}", Executable,
            mutant == null ? ["--segment-bytes", "64KiB"] : ["--segment-bytes", "64KiB", "--mutant", mutant], WhiteBox: true);

    /// <summary>crashlab-fuse, built beside the tests.</summary>
    public static string Fuse => Path.Combine(AppContext.BaseDirectory, "crashlab-fuse");

    /// <summary>A backend exactly as the CLI starts it from <c>--backend</c>.</summary>
    public static BackendSpec AsCli(string backend) => BackendSpec.Parse(backend, null, () => (Executable, []));

    public static ScenarioCatalog Catalog => ScenarioCatalog.Load(Path.Combine(AppContext.BaseDirectory, "scenarios"));

    public static Scenario Scenario(string name) => Catalog.Select(name)[0];

    /// <summary>The scenario with short runs and no large records: for zero-violation runs (a mutant needs the full load to be caught every time).</summary>
    public static Scenario ShortRuns(string name, int maxRunMs = 60)
        => Scenario(name) with { Workload = WorkloadProfile.Default with { MaxRunMs = maxRunMs, LargeRecordShare = 0 } };
}
