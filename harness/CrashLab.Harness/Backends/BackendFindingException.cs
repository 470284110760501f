namespace CrashLab.Harness.Backends;

/// <summary>
/// The backend broke the protocol or stopped answering: a finding about the backend, never a
/// harness crash. <see cref="Rule"/> names what was broken (protocol, liveness).
/// </summary>
public sealed class BackendFindingException(string rule, string message) : Exception(message)
{
    public string Rule { get; } = rule;

    public static BackendFindingException Protocol(string message) => new("protocol", message);

    public static BackendFindingException Liveness(string message) => new("6-liveness", message);
}
