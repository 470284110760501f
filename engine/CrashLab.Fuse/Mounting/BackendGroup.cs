using System.Diagnostics;
using CrashLab.Fuse.Kernel;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// The backend's process group, apart from the daemon's: the backend is started as the leader of
/// a session of its own, so the fence can SIGKILL the backend and everything it spawned while the
/// daemon lives on to take what the kernel still writes back for the dead processes (their dirty
/// shared mmap pages, written back as each process's mappings and descriptors close).
/// </summary>
internal sealed class BackendGroup
{
    private readonly object _gate = new();
    private int _leader;
    private bool _killed;

    /// <summary>True once the fence (or the daemon's own end) has killed the group.</summary>
    public bool Killed
    {
        get
        {
            lock (_gate)
                return _killed;
        }
    }

    /// <summary>Starts the backend; its pid, or null when the fence came first (it is then never started).</summary>
    /// <exception cref="IOException">The program could not be started.</exception>
    public int? Start(IReadOnlyList<string> command, IEnumerable<KeyValuePair<string, string>> environment)
    {
        lock (_gate)
        {
            if (_killed)
                return null;
            return _leader = SessionSpawn.Start(command, environment);
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
        if (NoneLeft())
            return true;
        var clock = Stopwatch.StartNew();
        while (AnyRunning())
        {
            if (clock.Elapsed > bound)
                return false;
            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>
    /// No process of the group exists at all, not even a zombie: the common end (the leader,
    /// reaped by us, was the only one), told by one kill(2) instead of a walk through /proc.
    /// </summary>
    private bool NoneLeft()
    {
        const int ESRCH = 3;
        int leader;
        lock (_gate)
            leader = _leader;
        return leader <= 0 || (Native.Kill(-leader, 0) < 0 && Native.Errno == ESRCH);
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
