namespace CrashLab.Protocol;

/// <summary>
/// What a harness may set for the reference engine beyond protocol v1's own variables (the data
/// directory, the protocol version): named once here for the harness that sets it and the engine
/// that reads it.
/// </summary>
public static class EngineEnvironment
{
    /// <summary>The harness's pid: the engine dies with that process (SIGKILL) and does not start if it is already gone.</summary>
    public const string ParentPid = "CRASHLAB_PARENT_PID";

    /// <summary>
    /// "1": the engine's first act is setsid(), so it leads a session and process group of its own
    /// and the harness need not exec /usr/bin/setsid before it (one exec less per crash state).
    /// </summary>
    public const string OwnSession = "CRASHLAB_OWN_SESSION";
}
