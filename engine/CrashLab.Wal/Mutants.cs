namespace CrashLab.Wal;

/// <summary>
/// Known-bad variants of the engine, one deliberate bug each, modelled on real WAL failures. The
/// conformance suite must catch every one; the reference engine is <see cref="None"/>. A mutant's
/// command-line name is its member name in kebab case (<c>AckBeforeFdatasync</c> is
/// <c>ack-before-fdatasync</c>): defined here, once.
/// </summary>
public enum Mutant
{
    /// <summary>The reference engine: no deliberate bug.</summary>
    None,

    /// <summary>acknowledges sync appends as durable without calling fdatasync (data 'does not persist across restarts' after power loss).</summary>
    AckBeforeFdatasync,

    /// <summary>retries a failed fdatasync and trusts the retry's success, though Linux already dropped the dirty pages (PostgreSQL 'fsyncgate', 2018).</summary>
    RetryFailedFsync,

    /// <summary>creates and renames segment files without fsyncing the directory: a new segment can vanish at power loss (ALICE; RocksDB 2022).</summary>
    NoDirFsync,

    /// <summary>recovery skips a record that fails its checksum and resynchronises at the next valid frame, leaving a hole in the log.</summary>
    SkipBadRecord,

    /// <summary>every write after a segment's first lands 8 bytes past its place, so the second record's checksum fails on read-back (the multi-entry checksum mismatch).</summary>
    WriteOffsetWrong,

    /// <summary>recovery stops at a torn tail but neither zeroes it nor appends at the cut: new records go after the garbage and are unreachable at the next recovery.</summary>
    TornTailNotCut,

    /// <summary>commits each record of a batch on its own, so a crash can recover part of a batch.</summary>
    NonAtomicBatch,

    /// <summary>the truncation marker records before_lsn + 1, so the record at before_lsn disappears at the next restart.</summary>
    TruncateOffByOne,

    /// <summary>after a restart the next LSN is counted from 1 over the records past the truncation point, so LSNs are reused.</summary>
    LsnRestartAfterTruncate,

    /// <summary>computes checksums on write but never compares them on read or recovery: torn or flipped data comes back as records.</summary>
    ChecksumsNotVerified,

    /// <summary>group commit calls fdatasync before the last part of the group is written, then acknowledges the whole group as durable.</summary>
    PartialGroupSync,

    /// <summary>recovery treats a read error as the end of the log, cuts the tail there and overwrites acknowledged records.</summary>
    ReadErrorAsEnd,

    /// <summary>recovery reports a read error as corruption, honestly, but also cuts the log there durably: records it could not read are destroyed for every later start.</summary>
    ReadErrorCutAndReported,
}

/// <summary>Names and notes of the <see cref="Mutant"/>s, and the typed check the engine's code asks.</summary>
public static class Mutants
{
    private static readonly Dictionary<Mutant, string> Notes = new()
    {
        [Mutant.AckBeforeFdatasync] = "acknowledges sync appends as durable without calling fdatasync (data 'does not persist across restarts' after power loss)",
        [Mutant.RetryFailedFsync] = "retries a failed fdatasync and trusts the retry's success, though Linux already dropped the dirty pages (PostgreSQL 'fsyncgate', 2018)",
        [Mutant.NoDirFsync] = "creates and renames segment files without fsyncing the directory: a new segment can vanish at power loss (ALICE; RocksDB 2022)",
        [Mutant.SkipBadRecord] = "recovery skips a record that fails its checksum and resynchronises at the next valid frame, leaving a hole in the log",
        [Mutant.WriteOffsetWrong] = "every write after a segment's first lands 8 bytes past its place, so the second record's checksum fails on read-back (the multi-entry checksum mismatch)",
        [Mutant.TornTailNotCut] = "recovery stops at a torn tail but neither zeroes it nor appends at the cut: new records go after the garbage and are unreachable at the next recovery",
        [Mutant.NonAtomicBatch] = "commits each record of a batch on its own, so a crash can recover part of a batch",
        [Mutant.TruncateOffByOne] = "the truncation marker records before_lsn + 1, so the record at before_lsn disappears at the next restart",
        [Mutant.LsnRestartAfterTruncate] = "after a restart the next LSN is counted from 1 over the records past the truncation point, so LSNs are reused",
        [Mutant.ChecksumsNotVerified] = "computes checksums on write but never compares them on read or recovery: torn or flipped data comes back as records",
        [Mutant.PartialGroupSync] = "group commit calls fdatasync before the last part of the group is written, then acknowledges the whole group as durable",
        [Mutant.ReadErrorAsEnd] = "recovery treats a read error as the end of the log, cuts the tail there and overwrites acknowledged records",
        [Mutant.ReadErrorCutAndReported] = "recovery reports a read error as corruption, honestly, but also cuts the log there durably: records it could not read are destroyed for every later start",
    };

    /// <summary>Name → the real-world failure it models.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = Notes.ToDictionary(kv => kv.Key.Name(), kv => kv.Value, StringComparer.Ordinal);

    /// <summary>The command-line name: the member name in kebab case.</summary>
    public static string Name(this Mutant mutant)
        => string.Concat(mutant.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static bool TryParse(string name, out Mutant mutant)
    {
        mutant = Notes.Keys.FirstOrDefault(m => m.Name() == name);
        return mutant != Mutant.None;
    }

    /// <summary>True when the engine runs as <paramref name="mutant"/>.</summary>
    public static bool Is(this WalOptions options, Mutant mutant) => options.Mutant == mutant;
}
