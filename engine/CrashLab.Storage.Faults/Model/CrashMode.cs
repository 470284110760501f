namespace CrashLab.Storage.Faults.Model;

/// <summary>How a power loss treats operations that were not durable.</summary>
public enum CrashMode
{
    /// <summary>Every non-durable operation is lost (RocksDB's and Pebble's fault-injection model).</summary>
    DropAll,

    /// <summary>Each non-durable operation independently lost, kept, or (writes) torn to any subset of its sectors.</summary>
    RandomSubset,

    /// <summary>Operations kept in issue order up to a random cut; the one at the cut torn (its first sectors only); the rest lost.</summary>
    Prefix,

    /// <summary>
    /// No power loss: every operation survives, as after a process crash (the operating system
    /// kept its page cache). Used for process-kill runs on FUSE, so they replay like power-loss ones.
    /// </summary>
    KeepAll,
}

public static class CrashModes
{
    /// <summary>The modes of a power loss (every mode but <see cref="CrashMode.KeepAll"/>).</summary>
    public static IReadOnlyList<CrashMode> PowerLoss { get; } = [CrashMode.DropAll, CrashMode.RandomSubset, CrashMode.Prefix];

    public static string Name(this CrashMode mode) => mode switch
    {
        CrashMode.DropAll => "drop-all",
        CrashMode.RandomSubset => "random-subset",
        CrashMode.KeepAll => "keep-all",
        _ => "prefix",
    };

    public static CrashMode Parse(string text) => text switch
    {
        "drop-all" => CrashMode.DropAll,
        "random-subset" => CrashMode.RandomSubset,
        "prefix" => CrashMode.Prefix,
        "keep-all" => CrashMode.KeepAll,
        _ => throw new FormatException($"unknown crash mode '{text}' (drop-all, random-subset, prefix, keep-all)"),
    };
}
