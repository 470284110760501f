namespace CrashLab.Harness.Backends;

/// <summary>
/// How long a backend may take to become ready (recovery, rule 6) and to answer one request, and
/// the longest stdout line it may send (a flood guard).
/// </summary>
public sealed record HarnessTimeouts(TimeSpan Ready, TimeSpan Request)
{
    /// <summary>A stdout line past this is a flood, not a reply (<see cref="ProtocolLimits.HarnessMaxLineBytes"/>; tests lower it).</summary>
    public int MaxLineBytes { get; init; } = ProtocolLimits.HarnessMaxLineBytes;

    public static HarnessTimeouts Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
}
