using Acme.Ledger;
using Acme.Ledger.Tests;
using CrashLab.Storage.Faults.Model;
using CrashLab.Testing;
using CrashLab.Testing.Workloads;

namespace CrashLab.Benchmarks;

/// <summary>
/// Crash states per second through the kit, as a C# team's property test runs them: the example
/// ledger under a mixed workload (appends, group commits, a truncation, a power loss), a power-loss
/// state in each mode before every storage operation, each recovered in memory and judged by the
/// oracle. The time of running the workloads themselves is counted too. Also per CPU second of
/// the whole process (every thread): on a shared machine the wall-clock rate says as much about the
/// other tenants as about the kit.
/// </summary>
internal static class KitCrashTestBenchmark
{
    public static (double PerSecond, double PerCpuSecond) Measure()
    {
        var test = CrashTest.For(LedgerUnderTest.With(LedgerBug.None));
        ulong seed = 0;
        long states = 0;
        void Once()
        {
            var workload = Workload.Seeded(++seed).Append(3, 100).GroupCommit(4, 64).Append(2, 513, durable: false)
                .Truncate(50).PowerLoss(CrashMode.RandomSubset).Append(2, 1500).GroupCommit(3, 7);
            states += test.Workload(workload).Check().StatesChecked;
        }

        for (var warm = System.Diagnostics.Stopwatch.StartNew(); warm.Elapsed < Rate.Warmup;)
            Once();
        states = 0;
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Rate.Duration)
            Once();
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (states / seconds, states / (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
