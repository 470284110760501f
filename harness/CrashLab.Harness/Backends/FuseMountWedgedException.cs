namespace CrashLab.Harness.Backends;

/// <summary>The FUSE daemon under a backend stopped answering the kernel: the harness failed, not the backend (exit 3).</summary>
public sealed class FuseMountWedgedException(string message) : IOException(message);
