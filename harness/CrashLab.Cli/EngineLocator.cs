namespace CrashLab.Cli;

/// <summary>Finds crashlab-engine: $CRASHLAB_ENGINE, else beside this CLI (its apphost, or its dll run by dotnet).</summary>
internal static class EngineLocator
{
    public static (string Executable, string[] Prefix) Find()
    {
        if (Environment.GetEnvironmentVariable("CRASHLAB_ENGINE") is { Length: > 0 } configured)
            return File.Exists(configured) ? (configured, []) : throw new FormatException($"CRASHLAB_ENGINE={configured} does not exist");
        var here = AppContext.BaseDirectory;
        var apphost = Path.Combine(here, "crashlab-engine");
        if (File.Exists(apphost))
            return (apphost, []);
        var dll = Path.Combine(here, "crashlab-engine.dll");
        if (File.Exists(dll))
            return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll]);
        throw new FormatException($"the reference engine (crashlab-engine) is not beside {here}; set CRASHLAB_ENGINE");
    }

    /// <summary>The scenarios shipped beside the CLI, or $CRASHLAB_SCENARIOS.</summary>
    public static string Scenarios()
        => Environment.GetEnvironmentVariable("CRASHLAB_SCENARIOS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "scenarios");
}
