namespace CrashLab.Protocol;

/// <summary>A line that breaks protocol v1; the message names the field and quotes what was sent (bounded).</summary>
public sealed class ProtocolException(string message) : Exception(message);
