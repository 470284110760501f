using System.Diagnostics;
using CrashLab.Benchmarks.Harness;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Workload;

namespace CrashLab.Benchmarks;

/// <summary>
/// Crash cycles per second on the reference engine — spawn, ready, load, SIGKILL, restart, read
/// and verify the recovered log — against the cheapest possible cycle: spawn a trivial .NET
/// console app, read its first line, SIGKILL it.
/// </summary>
internal static class CrashCycleBenchmark
{
    public static double TrivialCyclesPerSecond(string trivial, TimeSpan duration)
    {
        var cycles = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            using var process = Process.Start(new ProcessStartInfo(trivial) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false })!;
            process.StandardOutput.ReadLine();
            process.Kill();
            process.WaitForExit();
            cycles++;
        }

        return cycles / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Crash states checked per second in a power-loss campaign, and crash states per kill.</summary>
    public static async Task<(double StatesPerSecond, double StatesPerKill)> PowerLoss(string engine, string workDir, TimeSpan duration)
    {
        var scenario = new Scenario
        {
            Name = "power-loss-benchmark",
            CrashModel = CrashModel.PowerLoss,
            KillDuringRecoveryShare = 0,
            Workload = WorkloadProfile.Default with { MinRunMs = 10, MaxRunMs = 40, LargeRecordShare = 0, MaxLiveLogBytes = 256 << 10 },
        };
        var backend = new BackendSpec("reference", engine, ["--segment-bytes", "256KiB"], WhiteBox: true);
        var settings = new CampaignSettings(backend, "reference", false, [scenario], 3, 1, Path.Combine(workDir, "power-loss")) { Duration = duration, Progress = null };
        var tally = await new CampaignRunner(settings).RunAsync(CancellationToken.None).ConfigureAwait(false);
        if (tally.Violations > 0)
            throw BenchmarkFinding.KeepingEvidence(settings.OutDir, workDir, "the reference engine (power loss)");
        var s = tally.For(scenario.Name);
        return (s.States / tally.Elapsed.TotalSeconds, s.States / (double)Math.Max(1, s.Cycles));
    }

    /// <summary>Crash cycles per second, and where a cycle's time went (<see cref="StageBreakdown"/>).</summary>
    public static async Task<(double CyclesPerSecond, string Stages)> EngineCyclesPerSecond(string engine, string workDir, int workers, TimeSpan duration)
    {
        var scenario = new Scenario
        {
            Name = "cycle-benchmark",
            KillDuringRecoveryShare = 0,
            Workload = WorkloadProfile.Default with { MinRunMs = 5, MaxRunMs = 15, LargeRecordShare = 0, MaxLiveLogBytes = 256 << 10 },
        };
        var backend = new BackendSpec("reference", engine, ["--segment-bytes", "256KiB"], WhiteBox: true);
        var settings = new CampaignSettings(backend, "reference", false, [scenario], 3, workers, Path.Combine(workDir, $"cycles-{workers}"))
        {
            Duration = duration,
            Progress = null,
        };
        StageTimes.Reset();
        var tally = await new CampaignRunner(settings).RunAsync(CancellationToken.None).ConfigureAwait(false);
        if (tally.Violations > 0)
            throw BenchmarkFinding.KeepingEvidence(settings.OutDir, workDir, "the reference engine (crash cycles)");
        return (tally.States / tally.Elapsed.TotalSeconds, StageBreakdown.PerUnit(tally.States, workers * tally.Elapsed.TotalSeconds));
    }
}
