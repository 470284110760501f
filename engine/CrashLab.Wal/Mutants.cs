namespace CrashLab.Wal;

/// <summary>
/// Known-bad variants of the engine, one deliberate bug each, modelled on real WAL failures. The
/// conformance suite must catch every one; the reference engine is none of them.
/// </summary>
public static class Mutants
{
    public const string AckBeforeFdatasync = "ack-before-fdatasync";
    public const string NoDirFsync = "no-dir-fsync";

    /// <summary>Name → the real-world failure it models.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        [AckBeforeFdatasync] = "acknowledges sync appends as durable without calling fdatasync (data 'does not persist across restarts' after power loss)",
        [NoDirFsync] = "creates and renames segment files without fsyncing the directory: a new segment can vanish at power loss (ALICE; RocksDB 2022)",
    };

    public static bool Is(this WalOptions options, string mutant) => options.Mutant == mutant;
}
