namespace CrashLab.Cli.Tests.Hostile;

/// <summary>What runs on this machine, read from /proc: to find a test's backends by a marker in their command lines.</summary>
public static class Processes
{
    /// <summary>Pids (other than <paramref name="except"/>) whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> With(string marker, int except = 0)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == except || pid == Environment.ProcessId)
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }

        return found;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; false if it did not within <paramref name="bound"/>.</summary>
    public static async Task<bool> Until(Func<bool> condition, TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > bound)
                return false;
            await Task.Delay(100);
        }

        return true;
    }
}
