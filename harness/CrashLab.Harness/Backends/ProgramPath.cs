using System.Runtime.InteropServices;

namespace CrashLab.Harness.Backends;

/// <summary>
/// Finds the program of a command line the way a shell would (a path as given, a bare name on
/// PATH) and says in the operating system's words why it cannot be run.
/// </summary>
internal static partial class ProgramPath
{
    private const int ExecuteOk = 1;

    /// <summary>The path to run; <see cref="BackendSpawnException"/> naming the OS error otherwise.</summary>
    public static string Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
            return Check(program) is { } error ? throw Cannot(program, error) : program;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && Check(candidate) == null)
                return candidate;
        }

        throw Cannot(program, "command not found on PATH");
    }

    private static BackendSpawnException Cannot(string program, string error) => new($"cannot run the backend '{program}': {error}");

    /// <summary>Null when the file exists, is not a directory, and may be executed; the OS error otherwise.</summary>
    private static string? Check(string file)
    {
        if (Directory.Exists(file))
            return "Is a directory";
        return Access(file, ExecuteOk) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
