using System.Diagnostics;

namespace CrashLab.Cli.Tests;

/// <summary>The source tree the tests were built from, and its scripts run as a user runs them.</summary>
public static class Repository
{
    /// <summary>The checkout: the first directory above the test binaries that holds run-crash-tests.sh.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "run-crash-tests.sh")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"no run-crash-tests.sh above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs a bash command line in <paramref name="directory"/> with extra environment; stdout and stderr together.</summary>
    public static async Task<Crashlab.Result> BashAsync(string commandLine, string directory, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(commandLine);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Crashlab.Result(process.ExitCode, await stdout, await stderr);
    }
}
