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
}
