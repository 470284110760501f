namespace CrashLab.Cli;

/// <summary>
/// The last resort for an exception no command handled: a bug in CrashLab, not the user's mistake
/// and not a finding. The user gets one line and the path of a file with the whole trace (exit 3).
/// </summary>
internal static class InternalError
{
    public static int Report(Exception e)
    {
        var file = Path.Combine(Path.GetTempPath(), $"crashlab-internal-error-{Environment.ProcessId}.txt");
        try
        {
            File.WriteAllText(file, $"{Harness.Reports.BuildInfo.Describe()}\n{Environment.CommandLine}\n\n{e}\n");
        }
        catch (IOException)
        {
            file = "(could not be written)";
        }

        Console.Error.WriteLine($"crashlab: internal error ({e.GetType().Name}: {CrashLab.Protocol.WireText.Clip(e.Message)}); this is a bug in CrashLab, please report it with {file}");
        return ExitCodes.Infrastructure;
    }
}
