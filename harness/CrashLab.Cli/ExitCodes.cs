namespace CrashLab.Cli;

/// <summary>The exit codes every crashlab command uses.</summary>
public static class ExitCodes
{
    public const int Pass = 0;
    public const int Violation = 1;
    public const int Usage = 2;
    public const int Infrastructure = 3;

    /// <summary>certify: no violation, but a level proved too little (too few crash states, or too few with durable data at risk).</summary>
    public const int Inconclusive = 4;
}
