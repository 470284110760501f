namespace CrashLab.Harness.Backends;

/// <summary>What a stopping run does to its backends, from outside the harness library (the CLI's signal handling).</summary>
public static class BackendGroups
{
    /// <summary>
    /// SIGKILL to every backend group still running; no backend starts after this (a start throws
    /// <see cref="OperationCanceledException"/>). Everything waiting on a backend then ends at once.
    /// </summary>
    public static void KillAllAndStartNoMore() => ProcessGroup.KillEveryGroup();
}
