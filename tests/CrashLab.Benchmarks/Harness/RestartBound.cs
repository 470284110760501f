using System.Diagnostics;
using CrashLab.Harness.Backends;
using CrashLab.Protocol;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// The restart bound of a backend: the fastest a harness could check crash states on it, one
/// worker, if checking cost nothing but the backend's own life — spawn, ready, read the (empty)
/// log once, SIGKILL, reap. Through FUSE the cycle includes the daemon's mount and unmount.
/// </summary>
internal static class RestartBound
{
    /// <summary>Cycles per second of one loop of restarts, alone on the machine's share the harness gets.</summary>
    public static Task<double> CyclesPerSecond(BackendSpec backend, string workDir, TimeSpan duration)
        => CyclesPerSecondPerLoop(backend, workDir, duration, loops: 1);

    /// <summary>
    /// Cycles per second per loop with <paramref name="loops"/> loops restarting at once: what the
    /// backend's own starts allow each of that many workers when they compete for the same cores.
    /// Each loop is a worker: through FUSE on one CPU, each on its own CPU, as a campaign's workers.
    /// </summary>
    public static async Task<double> CyclesPerSecondPerLoop(BackendSpec backend, string workDir, TimeSpan duration, int loops)
    {
        var clock = Stopwatch.StartNew();
        var cycles = await Task.WhenAll(Enumerable.Range(0, loops).Select(loop => Task.Run(() => LoopAsync(backend.OnWorker(loop), Path.Combine(workDir, $"loop-{loop}"), clock, duration)))).ConfigureAwait(false);
        return cycles.Sum() / clock.Elapsed.TotalSeconds / loops;
    }

    private static async Task<int> LoopAsync(BackendSpec backend, string workDir, Stopwatch clock, TimeSpan duration)
    {
        var cycles = 0;
        while (clock.Elapsed < duration)
        {
            var dataDir = Directory.CreateDirectory(Path.Combine(workDir, $"restart-bound-{cycles}")).FullName;
            var process = await BackendProcess.StartAsync(backend, new BackendEnvironment(dataDir), HarnessTimeouts.Default, CancellationToken.None).ConfigureAwait(false);
            await using (process.ConfigureAwait(false))
            {
                var ready = process.Ready ?? throw new InvalidOperationException($"{backend} refused to start on an empty directory: {process.Fatal}");
                if (await process.RequestAsync(new ReadRequest(ready.FirstLsn, ProtocolLimits.DefaultMaxRecords, ProtocolLimits.HarnessReadMaxBytes)).ConfigureAwait(false) is not ReadReply)
                    throw new InvalidOperationException($"{backend} did not answer a read of its empty log");
                process.Kill();
                await process.WaitForExitAsync(HarnessTimeouts.Default.Request).ConfigureAwait(false);
            }

            Directory.Delete(dataDir, recursive: true);
            cycles++;
        }

        return cycles;
    }
}
