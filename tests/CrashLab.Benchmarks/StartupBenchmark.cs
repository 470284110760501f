using System.Diagnostics;

namespace CrashLab.Benchmarks;

/// <summary>Process start to first stdout line (the ready event), median of alternating runs.</summary>
internal static class StartupBenchmark
{
    public static double MedianMilliseconds(string executable, string workDir, int runs)
    {
        var samples = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var dataDir = Path.Combine(workDir, "startup-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dataDir);
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["CRASHLAB_DATA_DIR"] = dataDir;
            start.Environment["CRASHLAB_PROTOCOL"] = "1";
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var line = process.StandardOutput.ReadLine();
            samples.Add(clock.Elapsed.TotalMilliseconds);
            if (line == null)
                throw new InvalidOperationException($"{executable} printed nothing: {process.StandardError.ReadToEnd()}");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Directory.Delete(dataDir, recursive: true);
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }
}
