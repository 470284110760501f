using System.Reflection;

namespace CrashLab.Harness.Reports;

/// <summary>Which CrashLab made a report: the version and the git commit it was built from (the SDK stamps both).</summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Version => Informational.Split('+')[0];

    /// <summary>The full commit hash, or "unknown" for a build made outside a git checkout.</summary>
    public static string Commit => Informational.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : "unknown";

    public static string Describe() => $"CrashLab {Version} (commit {(Commit.Length > 12 ? Commit[..12] : Commit)})";
}
