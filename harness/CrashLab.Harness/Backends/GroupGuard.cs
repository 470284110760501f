using System.Diagnostics;

namespace CrashLab.Harness.Backends;

/// <summary>
/// How a backend is started so that nothing of it can outlive the harness, even a harness killed
/// with SIGKILL (which runs no clean-up code of ours). .NET cannot run code between fork and exec,
/// so the start goes through util-linux and the shell:
/// <c>setpriv --pdeathsig TERM -- setsid sh -c GUARD guard BACKEND...</c>. setsid makes the guard
/// the leader of a new process group; setpriv gives it the parent-death signal, which survives the
/// execs; the guard starts the backend in its group with the pipes, closes its own copies (an end of
/// stdout must stay the backend's), and waits. When the harness dies the kernel sends the guard
/// SIGTERM, and its trap SIGKILLs the whole group: backend, and every child the backend forked.
/// The exit status is the backend's (128+N when a signal N ended it).
/// <para>
/// Two programs of ours need no guard, and their starts skip its four execs and a fork (about
/// 10 ms at light load, 30–45 ms under load): a FUSE daemon (crashlab-fuse) leads its own group
/// and watches its parent itself (it must release its mount first); the reference engine forks
/// nothing and arms its own parent-death signal when <see cref="EngineEnvironment.ParentPid"/> names the
/// harness. The daemon is put in a group of its own by setsid; the engine makes its own group
/// when told to (<see cref="EngineEnvironment.OwnSession"/>), so it is started with no exec before it (<see cref="Guard"/>).
/// </para>
/// </summary>
internal static class GroupGuard
{
    /// <summary>How a start dies with the harness.</summary>
    public enum Guard
    {
        /// <summary>Any program: the shell guard above, which takes whatever it forked with it.</summary>
        Shell,

        /// <summary>crashlab-fuse: leads its own group and watches its parent itself.</summary>
        LeadsItsOwnGroup,

        /// <summary>The reference engine: forks nothing and dies with the process named in <see cref="EngineEnvironment.ParentPid"/>.</summary>
        DiesWithParent,
    }

    private const string SetSid = "/usr/bin/setsid";
    private const string SetPriv = "/usr/bin/setpriv";
    private const string Shell = "/bin/sh";

    /// <summary>The guard's name in ps and in the shell's messages.</summary>
    private const string Name = "crashlab-guard";

    /// <summary>
    /// The backend runs under env, so that a program that cannot be executed (a bad interpreter
    /// line, say) is named with the operating system's words: "/usr/bin/env: 'PROGRAM': No such file...".
    /// </summary>
    public const string ExecFailurePrefix = "/usr/bin/env: ";

    private const string Script = """
        trap 'kill -KILL 0' TERM HUP
        exec 3<&0
        /usr/bin/env -- "$@" <&3 3<&- &
        exec 3<&- </dev/null >/dev/null 2>&1
        wait $!
        """;

    public static bool Available => File.Exists(SetSid);

    private static bool Guarded => Available && File.Exists(SetPriv) && File.Exists(Shell) && File.Exists("/usr/bin/env");

    /// <summary>Rewrites <paramref name="start"/> so that its program runs as described above.</summary>
    public static void Wrap(ProcessStartInfo start, Guard guard)
    {
        if (guard == Guard.DiesWithParent)
        {
            // The engine leads its own group (setsid) and arms its own parent-death signal: started
            // directly, without /usr/bin/setsid, whose exec cost a fifth of the engine's own CPU per
            // crash state (docs/benchmarks.md, session 8). A kill before its setsid reaches it by pid.
            start.Environment[EngineEnvironment.ParentPid] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment[EngineEnvironment.OwnSession] = "1";
            return;
        }

        if (!Available)
            return;
        string[] prefix = guard != Guard.Shell || !Guarded
            ? [SetSid]
            : [SetPriv, "--pdeathsig", "TERM", "--", SetSid, Shell, "-c", Script, Name];
        var arguments = start.ArgumentList.ToList();
        start.ArgumentList.Clear();
        foreach (var argument in prefix.Skip(1).Append(start.FileName).Concat(arguments))
            start.ArgumentList.Add(argument);
        start.FileName = prefix[0];
    }

    /// <summary>The start's own complaint when the program could not be executed at all; null otherwise.</summary>
    public static string? ExecFailure(string? lastStderrLine)
    {
        foreach (var prefix in new[] { ExecFailurePrefix, "setsid: failed to execute " })
        {
            if (lastStderrLine != null && lastStderrLine.StartsWith(prefix, StringComparison.Ordinal))
                return prefix == ExecFailurePrefix ? lastStderrLine[prefix.Length..] : lastStderrLine["setsid: ".Length..];
        }

        return null;
    }
}
