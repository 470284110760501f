using System.Diagnostics;
using System.Text.Json;

namespace CrashLab.Engine.Host.Tests.Hosting;

/// <summary>
/// The engine dies with the process named in CRASHLAB_PARENT_PID, even one killed with SIGKILL:
/// the harness starts it without a guard process, so nothing else would take it down.
/// </summary>
public sealed class ParentDeathTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crashlab-parent-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Engine_ItsParentSigkilled_DiesToo()
    {
        // bash plays the harness: it names itself, starts the engine in the background on our stdin
        // pipe (which stays open, so the engine has no reason of its own to end), prints its pid, waits.
        var engineStart = EngineProcessTests.EngineChild.StartInfo(_dir);
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", """exec 3<&0; CRASHLAB_PARENT_PID=$$ "$@" <&3 3<&- & echo "pid $!"; exec 3<&-; wait""", "parent", engineStart.FileName })
            start.ArgumentList.Add(argument);
        foreach (var argument in engineStart.ArgumentList)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in engineStart.Environment.Where(e => e.Key.StartsWith("CRASHLAB_", StringComparison.Ordinal)))
            start.Environment[name] = value;
        using var parent = Process.Start(start)!;
        var engine = 0;
        var ready = false;
        try
        {
            while (engine == 0 || !ready)
            {
                var line = await parent.StandardOutput.ReadLineAsync().WaitAsync(Bound) ?? throw new InvalidOperationException("the engine ended before ready");
                if (line.StartsWith("pid ", StringComparison.Ordinal))
                    engine = int.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                else
                    ready = JsonDocument.Parse(line).RootElement.GetProperty("event").GetString() == "ready";
            }

            Assert.True(Alive(engine), "the engine runs while its parent does");
            parent.Kill();
            await parent.WaitForExitAsync();

            var clock = Stopwatch.StartNew();
            while (Alive(engine) && clock.Elapsed < Bound)
                await Task.Delay(20); // the kernel delivers the signal asynchronously; a bounded poll, not a sleep to hide a race
            Assert.False(Alive(engine), "the engine outlived the process named in CRASHLAB_PARENT_PID");
        }
        finally
        {
            if (engine != 0 && Alive(engine))
                Process.GetProcessById(engine).Kill();
        }
    }

    [Fact]
    public async Task Engine_NamedParentIsNotItsParent_ExitsWithoutStarting()
    {
        // The harness died between the fork and the engine's first instruction: its child now has
        // another parent (here: the named pid was never its parent at all).
        var start = EngineProcessTests.EngineChild.StartInfo(_dir);
        start.Environment["CRASHLAB_PARENT_PID"] = "1";
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync().WaitAsync(Bound);
        var stderr = await process.StandardError.ReadToEndAsync().WaitAsync(Bound);
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("", stdout);
        Assert.Contains("the harness that started it is gone", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir), "an engine whose harness is gone must not touch the data directory");
    }

    [Fact]
    public async Task Engine_ParentPidNotANumber_FatalWithExitTwo()
    {
        var start = EngineProcessTests.EngineChild.StartInfo(_dir);
        start.Environment["CRASHLAB_PARENT_PID"] = "harness";
        using var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Bound);
        var stderr = await process.StandardError.ReadToEndAsync().WaitAsync(Bound);
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("fatal", JsonDocument.Parse(line!).RootElement.GetProperty("event").GetString());
        Assert.Contains("CRASHLAB_PARENT_PID=harness is not a process id", stderr, StringComparison.Ordinal);
    }

    /// <summary>Running, or stopped, but not dead: a zombie (state Z) waits only for its new parent to reap it.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
