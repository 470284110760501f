namespace CrashLab.Harness.Backends;

/// <summary>
/// How long a backend may take to become ready (recovery, rule 6) and to answer one request, and
/// the longest stdout line it may send (a flood guard).
/// </summary>
public sealed record HarnessTimeouts(TimeSpan Ready, TimeSpan Request)
{
    /// <summary>
    /// The longest reply the harness's own reads can draw is under 28 MiB (4 MiB of records plus one
    /// 16 MiB record, base64); a line past this limit is a flood, not a reply.
    /// </summary>
    public int MaxLineBytes { get; init; } = 64 << 20;

    public static HarnessTimeouts Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
}
