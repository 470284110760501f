using System.Diagnostics;
using CrashLab.Fuse.Mounting;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Fuse.Tests;

/// <summary>Runs a Python script as the backend of crashlab-fuse, the way the harness does, in a process group of its own.</summary>
internal static class FuseProgram
{
    public static string Daemon => Path.Combine(AppContext.BaseDirectory, "crashlab-fuse");

    /// <summary>Fails the test, saying why, when this machine cannot mount FUSE (the suite runs as root with /dev/fuse).</summary>
    public static void RequireFuse() => Assert.True(FuseAvailability.Missing() == null, $"FUSE tests need root and /dev/fuse: {FuseAvailability.Missing()}");

    public static Process Start(string backing, string script, IDictionary<string, string>? environment = null)
    {
        RequireFuse();
        var start = new ProcessStartInfo("/usr/bin/setsid") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var word in new[] { Daemon, "run", "--", "python3", "-c", script })
            start.ArgumentList.Add(word);
        start.Environment["CRASHLAB_DATA_DIR"] = backing;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        return Process.Start(start)!;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string backing, string script, IDictionary<string, string>? environment = null)
    {
        using var process = Start(backing, script, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The script on the shim under <paramref name="plan"/>, its undo journal in <paramref name="trace"/>, as in a white-box run.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunUnderPlanAsync(string backing, string trace, FaultPlan plan, string script)
    {
        var planFile = trace.TrimEnd('/') + ".plan.json";
        File.WriteAllText(planFile, plan.ToJson());
        return RunAsync(backing, script, new Dictionary<string, string> { ["CRASHLAB_FAULT_PLAN"] = planFile, ["CRASHLAB_TRACE_DIR"] = trace });
    }
}
