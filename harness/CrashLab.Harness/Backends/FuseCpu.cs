using System.Runtime.InteropServices;

namespace CrashLab.Harness.Backends;

/// <summary>
/// Where a FUSE run's daemon and backend run: on one CPU, both of them, every thread. A FUSE
/// round trip is two plain wake-ups (the daemon for the request, the program for the reply), and
/// the scheduler sends a woken thread to an idle CPU when it sees one; on a virtual machine whose
/// idle CPUs halt, each such wake-up is a trip through the host (docs/fuse.md, "The daemon and
/// the backend share one CPU"). Confined to one CPU, the woken thread runs where the waker was.
/// <para>
/// The CPU is set on the thread that forks, just around the fork: the child is created with that
/// mask, so the daemon has it before its first instruction, every thread its runtime starts
/// inherits it, and so does the backend the daemon spawns. Nothing is run in between fork and
/// exec (.NET cannot), and no wrapper program is exec'd.
/// </para>
/// </summary>
public static partial class FuseCpu
{
    /// <summary>Set to <see cref="Any"/> to leave a FUSE run's daemon and backend to the scheduler (the CLI's --fuse-cpu default).</summary>
    public const string Variable = "CRASHLAB_FUSE_CPU";

    /// <summary>The daemon and the backend share one CPU (the default).</summary>
    public const string One = "one";

    /// <summary>The daemon and the backend run wherever the scheduler puts them.</summary>
    public const string Any = "any";

    /// <summary>What <see cref="Variable"/> asks for: <see cref="One"/> unless it says <see cref="Any"/>.</summary>
    public static string FromEnvironment()
        => string.Equals(Environment.GetEnvironmentVariable(Variable), Any, StringComparison.OrdinalIgnoreCase) ? Any : One;

    /// <summary>The CPU worker 0's FUSE run is confined to under <paramref name="choice"/> (null: as <see cref="Variable"/> says); null for <see cref="Any"/>.</summary>
    public static int? Chosen(string? choice) => (choice ?? FromEnvironment()) == One ? ForWorker(0) : null;

    private static readonly Lazy<IReadOnlyList<int>> Allowed = new(() => Read(Environment.ProcessId));

    /// <summary>The CPUs this process may run on (its main thread's mask: taskset, cpusets and containers narrow it), in ascending order.</summary>
    public static IReadOnlyList<int> AllowedCpus => Allowed.Value;

    /// <summary>The CPU of worker <paramref name="worker"/>: a different one for each worker while there are enough.</summary>
    public static int ForWorker(int worker) => ForWorker(worker, AllowedCpus);

    /// <summary>The CPU of <paramref name="worker"/> among <paramref name="allowed"/>: round robin.</summary>
    public static int ForWorker(int worker, IReadOnlyList<int> allowed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        if (allowed.Count == 0)
            throw new ArgumentException("no CPU is allowed", nameof(allowed));
        return allowed[worker % allowed.Count];
    }

    /// <summary>
    /// Runs <paramref name="start"/> (a fork) on the calling thread with its affinity narrowed to
    /// <paramref name="cpu"/>, then gives the thread its mask back: what it forks starts on that CPU only.
    /// Where the system refuses (a CPU outside our cpuset), the start runs unpinned.
    /// </summary>
    public static T OnCpu<T>(int cpu, Func<T> start)
    {
        var before = new ulong[MaskWords];
        if (SchedGetAffinity(0, (nuint)(MaskWords * sizeof(ulong)), before) < 0)
            return start();
        var one = new ulong[MaskWords];
        one[cpu / 64] = 1UL << (cpu % 64);
        var narrowed = SchedSetAffinity(0, (nuint)(MaskWords * sizeof(ulong)), one) == 0;
        try
        {
            return start();
        }
        finally
        {
            if (narrowed)
                _ = SchedSetAffinity(0, (nuint)(MaskWords * sizeof(ulong)), before);
        }
    }

    /// <summary>The CPUs thread <paramref name="tid"/> may run on (a process's pid names its main thread).</summary>
    public static IReadOnlyList<int> Read(int tid)
    {
        var mask = new ulong[MaskWords];
        if (SchedGetAffinity(tid, (nuint)(MaskWords * sizeof(ulong)), mask) < 0)
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        var cpus = new List<int>();
        for (var cpu = 0; cpu < MaskWords * 64; cpu++)
        {
            if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0)
                cpus.Add(cpu);
        }

        return cpus;
    }

    /// <summary>Room for 1,024 CPUs (glibc's cpu_set_t).</summary>
    private const int MaskWords = 16;

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, [Out] ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong[] mask);
}
