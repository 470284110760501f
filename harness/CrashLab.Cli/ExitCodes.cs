namespace CrashLab.Cli;

/// <summary>The exit codes every crashlab command uses.</summary>
public static class ExitCodes
{
    public const int Pass = 0;
    public const int Violation = 1;
    public const int Usage = 2;
    public const int Infrastructure = 3;
}
