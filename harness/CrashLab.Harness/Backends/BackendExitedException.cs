namespace CrashLab.Harness.Backends;

/// <summary>The backend exited (or was killed). Not a violation by itself: the protocol lets a backend fail-stop.</summary>
public sealed class BackendExitedException(string message) : Exception(message);
