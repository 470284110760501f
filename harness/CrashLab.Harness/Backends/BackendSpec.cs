namespace CrashLab.Harness.Backends;

/// <summary>
/// What to run as a backend: the reference engine, a known-bad mutant of it, or any command
/// line. <see cref="WhiteBox"/> backends do their I/O through the CrashLab shim.
/// </summary>
public sealed record BackendSpec(string Name, string Executable, IReadOnlyList<string> Arguments, bool WhiteBox)
{
    public const string Reference = "reference";
    public const string MutantPrefix = "mutant:";

    /// <summary>The segment size campaigns give the reference engine, so runs cross segment boundaries often.</summary>
    public const string ReferenceSegmentBytes = "256KiB";

    /// <summary>Parses --backend / --backend-cmd; <paramref name="engine"/> locates crashlab-engine.</summary>
    public static BackendSpec Parse(string? backend, string? command, Func<(string Executable, string[] Prefix)> engine)
    {
        if (backend != null && command != null)
            throw new FormatException("give either --backend or --backend-cmd, not both");
        if (command != null)
        {
            var words = CommandLineSplitter.Split(command);
            if (words.Count == 0)
                throw new FormatException("--backend-cmd is empty");
            return new BackendSpec(command, words[0], words.Skip(1).ToArray(), WhiteBox: false);
        }

        backend ??= Reference;
        var (executable, prefix) = engine();
        if (backend == Reference)
            return new BackendSpec(Reference, executable, [.. prefix, "--segment-bytes", ReferenceSegmentBytes], WhiteBox: true);
        if (backend.StartsWith(MutantPrefix, StringComparison.Ordinal) && backend.Length > MutantPrefix.Length)
            return new BackendSpec(backend, executable, [.. prefix, "--segment-bytes", ReferenceSegmentBytes, "--mutant", backend[MutantPrefix.Length..]], WhiteBox: true);
        throw new FormatException($"unknown backend '{backend}': use 'reference', 'mutant:<name>' or --backend-cmd \"...\"");
    }

    /// <summary>Throws <see cref="BackendSpawnException"/> (with the OS error) when the program cannot be run at all.</summary>
    public void EnsureRunnable() => ProgramPath.Resolve(Executable);

    public override string ToString() => Name;
}
