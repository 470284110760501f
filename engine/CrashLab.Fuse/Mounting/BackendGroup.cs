using System.Diagnostics;
using CrashLab.Fuse.Kernel;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// The backend's process group, apart from the daemon's: the backend is started through setsid,
/// so the fence can SIGKILL the backend and everything it spawned while the daemon lives on to
/// take what the kernel still writes back for the dead processes (their dirty shared mmap pages,
/// written back as each process's mappings and descriptors close).
/// </summary>
internal sealed class BackendGroup
{
    private const string SetSid = "/usr/bin/setsid";
    private readonly object _gate = new();
    private int _leader;
    private bool _killed;

    public static bool Available => File.Exists(SetSid);

    /// <summary>True once the fence (or the daemon's own end) has killed the group.</summary>
    public bool Killed
    {
        get
        {
            lock (_gate)
                return _killed;
        }
    }

    /// <summary>How to start <paramref name="command"/> as the leader of a new session and group (set its environment on it).</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(SetSid) { UseShellExecute = false };
        foreach (var word in command)
            start.ArgumentList.Add(word);
        return start;
    }

    /// <summary>Starts the backend; null when the fence came first (it is then never started).</summary>
    public Process? Start(ProcessStartInfo start)
    {
        lock (_gate)
        {
            if (_killed)
                return null;
            var process = Process.Start(start)!;
            _leader = process.Id; // setsid execs in place: the child is the group's leader
            return process;
        }
    }

    /// <summary>SIGKILL to every process of the backend's group; the daemon is not among them.</summary>
    public void Kill()
    {
        lock (_gate)
        {
            _killed = true;
            if (_leader > 0)
                _ = Native.Kill(-_leader, Native.SIGKILL);
        }
    }

    /// <summary>
    /// Waits (up to <paramref name="bound"/>) until no process of the group is still running. A
    /// zombie has finished its exit, so its mappings and descriptors are closed and the write-back
    /// they cause has been answered; false if something still ran at the bound.
    /// </summary>
    public bool WaitUntilDead(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (AnyRunning())
        {
            if (clock.Elapsed > bound)
                return false;
            Thread.Sleep(5);
        }

        return true;
    }

    private bool AnyRunning()
    {
        int leader;
        lock (_gate)
            leader = _leader;
        if (leader <= 0)
            return false;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out _) && Running(dir, leader))
                return true;
        }

        return false;
    }

    /// <summary>/proc/PID/stat: "pid (comm) state ppid pgrp ..."; the command may hold spaces and parentheses.</summary>
    private static bool Running(string dir, int group)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(dir, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone meanwhile
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 2 && fields[2] == group.ToString(System.Globalization.CultureInfo.InvariantCulture) && fields[0] is not ("Z" or "X");
    }
}
