namespace CrashLab.Cli;

/// <summary>
/// Finds the programs that ship beside this CLI: crashlab-engine ($CRASHLAB_ENGINE) and
/// crashlab-fuse ($CRASHLAB_FUSE); each as its apphost, or its dll run by dotnet.
/// </summary>
internal static class EngineLocator
{
    public static (string Executable, string[] Prefix) Find() => Locate("crashlab-engine", "CRASHLAB_ENGINE", "the reference engine");

    public static (string Executable, string[] Prefix) FindFuse() => Locate("crashlab-fuse", "CRASHLAB_FUSE", "the FUSE daemon");

    /// <summary>The scenarios shipped beside the CLI, or $CRASHLAB_SCENARIOS.</summary>
    public static string Scenarios()
        => Environment.GetEnvironmentVariable("CRASHLAB_SCENARIOS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "scenarios");

    private static (string Executable, string[] Prefix) Locate(string program, string variable, string what)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
            return File.Exists(configured) ? (configured, []) : throw new FormatException($"{variable}={configured} does not exist");
        var here = AppContext.BaseDirectory;
        var apphost = Path.Combine(here, program);
        if (File.Exists(apphost))
            return (apphost, []);
        var dll = Path.Combine(here, program + ".dll");
        if (File.Exists(dll))
            return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll]);
        throw new FormatException($"{what} ({program}) is not beside {here}; set {variable}");
    }
}
