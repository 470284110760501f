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

    /// <summary>
    /// True when the backend runs on a FUSE mount of its data directory served by crashlab-fuse:
    /// any program then gets the shim (fault plan, undo journal, crash points) of a white-box one.
    /// </summary>
    public bool Fuse { get; init; }

    /// <summary>
    /// The same backend started by crashlab-fuse, which mounts the shim over the data directory and
    /// runs the backend on the mount. The reference engine so started runs with its own shim off:
    /// it is a black-box program like any other.
    /// </summary>
    /// <param name="cpu"><see cref="FuseCpu.One"/>: the daemon and the backend share one CPU (worker 0's until <see cref="OnWorker"/>); <see cref="FuseCpu.Any"/>: the scheduler decides. Null: as <see cref="FuseCpu.Variable"/> says.</param>
    public BackendSpec ThroughFuse(string fuseExecutable, IReadOnlyList<string> fusePrefix, string? cpu = null)
        => Fuse ? this : new BackendSpec(Name, fuseExecutable, [.. fusePrefix, "run", "--", Executable, .. Arguments], WhiteBox: true)
        {
            Fuse = true,
            Program = Executable,
            Unmounted = this,
            Cpu = FuseCpu.Chosen(cpu),
        };

    /// <summary>
    /// For a FUSE run: the one CPU its daemon and backend (every thread of both) are confined to
    /// from their first instruction (<see cref="FuseCpu"/>); null: wherever the scheduler puts them.
    /// </summary>
    public int? Cpu { get; init; }

    /// <summary>The same backend as run by worker <paramref name="worker"/>: a FUSE run confined to one CPU gets that worker's own CPU.</summary>
    public BackendSpec OnWorker(int worker) => Cpu == null ? this : this with { Cpu = FuseCpu.ForWorker(worker) };

    /// <summary>
    /// For a FUSE run: the same backend started on the plain directory, with no daemon and no
    /// mount (null otherwise). For a start that needs nothing of the shim: the clean recovery of a
    /// crash state, which injects no fault and is never killed part-way, so what the mount would
    /// add is only its start-up and a round trip per request.
    /// </summary>
    public BackendSpec? Unmounted { get; init; }

    /// <summary>The backend's own program (for a FUSE run, not the daemon's).</summary>
    public string Program { get => field ?? Executable; init; }

    /// <summary>Throws <see cref="BackendSpawnException"/> (with the OS error) when the program cannot be run at all.</summary>
    public void EnsureRunnable()
    {
        ProgramPath.Resolve(Executable);
        ProgramPath.Resolve(Program);
    }

    public override string ToString() => Name;
}
