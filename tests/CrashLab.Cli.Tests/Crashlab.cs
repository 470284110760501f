using System.Diagnostics;

namespace CrashLab.Cli.Tests;

/// <summary>Runs the crashlab CLI built beside the tests, in its own process, as a user would.</summary>
public static class Crashlab
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        await using var running = Start(arguments);
        return await running.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs the CLI with <paramref name="environment"/> added to this process's.</summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        await using var running = Start(environment, arguments);
        return await running.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Starts the CLI without waiting for it: to signal it, or kill it, while it runs.</summary>
    public static Running Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    private static Running Start(IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "crashlab.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return new Running(Process.Start(start)!);
    }

    /// <summary>A crashlab process (dotnet runs the CLI in its own process: its pid is crashlab's).</summary>
    public sealed class Running(Process process) : IAsyncDisposable
    {
        private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

        public int Pid => process.Id;

        /// <summary>Sends SIGTERM, SIGINT or SIGKILL, as a scheduler or a person would.</summary>
        public async Task SignalAsync(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        }

        public async Task<Result> WaitAsync(TimeSpan bound)
        {
            using var timeout = new CancellationTokenSource(bound);
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, await _stdout, await _stderr);
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
