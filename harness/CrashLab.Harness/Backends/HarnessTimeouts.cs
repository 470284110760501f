namespace CrashLab.Harness.Backends;

/// <summary>How long a backend may take: to become ready (recovery, rule 6) and to answer one request.</summary>
public sealed record HarnessTimeouts(TimeSpan Ready, TimeSpan Request)
{
    public static HarnessTimeouts Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
}
