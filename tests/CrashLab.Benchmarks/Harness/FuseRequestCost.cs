using System.Diagnostics;
using System.Globalization;
using CrashLab.Harness.Backends;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// What FUSE adds per request: <see cref="SyscallProbe"/> run on a plain directory and under
/// crashlab-fuse (journal on, as campaigns run it), alternating, in fresh directories each round;
/// the added cost of each request is the median over rounds of the difference.
/// The data directories live under <c>dataRoot</c> and the daemon's undo journal under
/// <c>traceRoot</c>: campaigns keep both in scratch space (tmpfs). With the journal on the same
/// ext4 disk as the data, each fdatasync also waited for the journal's new blocks (ordered mode
/// writes a transaction's newly allocated data before it commits): milliseconds, not FUSE's cost.
/// The plain probe runs where the scheduler puts it (it makes no wake-ups); the FUSE one is
/// started on one CPU with its daemon, as a campaign starts a FUSE backend (CRASHLAB_FUSE_CPU).
/// </summary>
internal static class FuseRequestCost
{
    public static readonly string[] Requests = ["4 KiB pwrite (append)", "4 KiB pwrite + fdatasync", "create + fsync + directory fsync"];

    /// <returns>Per request: plain µs and the added µs through FUSE (medians).</returns>
    public static List<(double PlainMicros, double AddedMicros)> Measure(string fuse, string dataRoot, string traceRoot, int rounds, TimeSpan perRequest)
    {
        var plain = new List<double[]>();
        var added = new List<double[]>();
        for (var round = 0; round < rounds; round++)
        {
            var direct = Probe(null, dataRoot, traceRoot, round, perRequest);
            var mounted = Probe(fuse, dataRoot, traceRoot, round, perRequest);
            plain.Add(direct);
            added.Add([.. mounted.Zip(direct, (m, d) => m - d)]);
        }

        return [.. Requests.Select((_, i) => (Median(plain.Select(p => p[i])), Median(added.Select(a => a[i]))))];
    }

    private static double[] Probe(string? fuse, string dataRoot, string traceRoot, int round, TimeSpan perRequest)
    {
        var name = $"probe-{(fuse == null ? "plain" : "fuse")}-{round}";
        var dir = Directory.CreateDirectory(Path.Combine(dataRoot, name)).FullName;
        var trace = Directory.CreateDirectory(Path.Combine(traceRoot, name + "-trace")).FullName;
        var self = typeof(FuseRequestCost).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var seconds = perRequest.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var start = fuse == null ? new ProcessStartInfo(host) : new ProcessStartInfo(fuse);
        if (fuse != null)
        {
            start.ArgumentList.Add("run");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(host);
            start.Environment["CRASHLAB_TRACE_DIR"] = trace;
        }

        foreach (var word in new[] { self, SyscallProbe.Flag, seconds })
            start.ArgumentList.Add(word);
        start.Environment["CRASHLAB_DATA_DIR"] = dir;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Through FUSE the daemon and the probe run as campaigns run them: on one CPU, unless CRASHLAB_FUSE_CPU=any.
        var cpu = fuse != null ? FuseCpu.Chosen(null) : null;
        using var process = cpu is { } one ? FuseCpu.OnCpu(one, () => Process.Start(start)!) : Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var line = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Directory.Delete(dir, recursive: true);
        Directory.Delete(trace, recursive: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the syscall probe failed ({(fuse == null ? "plain" : "FUSE")}): {stderr.Result}");
        return [.. line.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
