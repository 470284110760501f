using System.Diagnostics;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>
/// Which processes a backend's kill reaches beyond its group: every descendant of a program that
/// may fork (one that left the group with a session of its own included), none of a backend
/// started as one that forks nothing (the reference engine), whose /proc entries are then never read.
/// </summary>
public sealed class ProcessGroupTests
{
    /// <summary>A shell that puts a child in a session of its own, out of the group's reach, and waits.</summary>
    private static ProcessStartInfo EscapingChild() => new("/bin/sh", ["-c", "setsid sleep 30 & wait"])
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };

    [Fact]
    public async Task DescendantsToKill_ProgramThatMayFork_FindsTheChildThatLeftTheGroup()
    {
        var process = ProcessGroup.Start(EscapingChild(), GroupGuard.Guard.Shell);
        try
        {
            var found = await EventuallyAsync(() => ProcessGroup.DescendantsToKill(process) is { } d && d.Any(IsSleep) ? d : null);

            Assert.Contains(found, IsSleep);
        }
        finally
        {
            await KillEverythingAsync(process);
        }
    }

    [Fact]
    public async Task DescendantsToKill_BackendThatForksNothing_ReadsNoTree()
    {
        var process = ProcessGroup.Start(EscapingChild(), GroupGuard.Guard.DiesWithParent);
        try
        {
            // The same shell as above, so a child is there to find: started as one that forks nothing, it is not looked for.
            await EventuallyAsync(() => ProcessTree.Descendants(process.Id) is { } d && d.Any(IsSleep) ? d : null);

            Assert.Empty(ProcessGroup.DescendantsToKill(process)!);
        }
        finally
        {
            await KillEverythingAsync(process);
        }
    }

    /// <summary>The one spawner thread serves starts asked for from many threads at once, each its own process, none lost while the spawner sleeps between them.</summary>
    [Fact]
    public async Task Start_ManyThreadsAtOnce_EachGetsItsOwnLiveProcess()
    {
        var processes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => ProcessGroup.Start(EscapingChild(), GroupGuard.Guard.DiesWithParent))));
        try
        {
            Assert.Equal(processes.Length, processes.Select(p => p.Id).Distinct().Count());
            Assert.All(processes, p => Assert.False(p.HasExited));
        }
        finally
        {
            foreach (var process in processes)
                await KillEverythingAsync(process);
        }
    }

    /// <summary>A program that cannot be started fails its own caller's start, and the spawner goes on to start the next.</summary>
    [Fact]
    public async Task Start_ProgramMissing_ThrowsToItsCallerAndTheNextStartRuns()
    {
        var missing = new ProcessStartInfo(Path.Combine(Path.GetTempPath(), "crashlab-no-such-program-" + Guid.NewGuid().ToString("N")));

        Assert.Throws<System.ComponentModel.Win32Exception>(() => ProcessGroup.Start(missing, GroupGuard.Guard.DiesWithParent));
        var next = ProcessGroup.Start(EscapingChild(), GroupGuard.Guard.DiesWithParent);
        try
        {
            Assert.False(next.HasExited);
        }
        finally
        {
            await KillEverythingAsync(next);
        }
    }

    /// <summary>Polls until the shell has forked (a liveness bound, not a timing the verdict depends on).</summary>
    private static async Task<List<int>> EventuallyAsync(Func<List<int>?> probe)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (probe() is { } found)
                return found;
            await Task.Delay(10);
        }

        throw new TimeoutException("the shell never forked its child");
    }

    /// <summary>Whether the process is the escaped child (false once it is gone).</summary>
    private static bool IsSleep(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task KillEverythingAsync(Process process)
    {
        foreach (var pid in ProcessTree.Descendants(process.Id) ?? [])
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        ProcessGroup.KillAll(process);
        await process.WaitForExitAsync();
        ProcessGroup.Forget(process);
        process.Dispose();
    }
}
