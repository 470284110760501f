namespace CrashLab.Harness.Backends;

/// <summary>
/// The backend's program could not be run at all (missing, not executable, a bad interpreter
/// line): a problem of the machine or the command line, not a finding about the backend.
/// An <see cref="IOException"/>, so every command maps it to exit 3.
/// </summary>
public sealed class BackendSpawnException(string message) : IOException(message);
