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
    public static async Task<double> CyclesPerSecond(BackendSpec backend, string workDir, TimeSpan duration)
    {
        var cycles = 0;
        var clock = Stopwatch.StartNew();
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

        return cycles / clock.Elapsed.TotalSeconds;
    }
}
