using System.Runtime.InteropServices;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// Makes the engine the leader of a session and process group of its own (setsid) when the harness
/// asks (<see cref="CrashLab.Protocol.EngineEnvironment.OwnSession"/>), so that the harness starts
/// it with no /usr/bin/setsid exec before it: the engine starts once per crash state, and that exec
/// was a fifth of its CPU there (docs/benchmarks.md, session 8). The group's SIGKILL then reaches
/// the engine as it did; a kill sent before this call reaches it by its pid (it forks nothing).
/// </summary>
internal static partial class OwnSession
{
    /// <summary>Leads a new session when <paramref name="value"/> is "1".</summary>
    public static void Begin(string? value)
    {
        if (value == "1")
            _ = SetSid(); // fails only for a process that already leads a group: then it has one of its own
    }

    [LibraryImport("libc", EntryPoint = "setsid")]
    private static partial int SetSid();
}
