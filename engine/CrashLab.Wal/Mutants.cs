using System.Reflection;

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

    [Models("acknowledges sync appends as durable without calling fdatasync (data 'does not persist across restarts' after power loss)")]
    AckBeforeFdatasync,

    [Models("retries a failed fdatasync and trusts the retry's success, though Linux already dropped the dirty pages (PostgreSQL 'fsyncgate', 2018)")]
    RetryFailedFsync,

    [Models("creates and renames segment files without fsyncing the directory: a new segment can vanish at power loss (ALICE; RocksDB 2022)")]
    NoDirFsync,

    [Models("recovery skips a record that fails its checksum and resynchronises at the next valid frame, leaving a hole in the log")]
    SkipBadRecord,

    [Models("every write after a segment's first lands 8 bytes past its place, so the second record's checksum fails on read-back (the multi-entry checksum mismatch)")]
    WriteOffsetWrong,

    [Models("recovery stops at a torn tail but neither zeroes it nor appends at the cut: new records go after the garbage and are unreachable at the next recovery")]
    TornTailNotCut,

    [Models("commits each record of a batch on its own, so a crash can recover part of a batch")]
    NonAtomicBatch,

    [Models("the truncation marker records before_lsn + 1, so the record at before_lsn disappears at the next restart")]
    TruncateOffByOne,

    [Models("after a restart the next LSN is counted from 1 over the records past the truncation point, so LSNs are reused")]
    LsnRestartAfterTruncate,

    [Models("computes checksums on write but never compares them on read or recovery: torn or flipped data comes back as records")]
    ChecksumsNotVerified,

    [Models("group commit calls fdatasync before the last part of the group is written, then acknowledges the whole group as durable")]
    PartialGroupSync,

    [Models("recovery treats a read error as the end of the log, cuts the tail there and overwrites acknowledged records")]
    ReadErrorAsEnd,

    [Models("recovery reports a read error as corruption, honestly, but also cuts the log there durably: records it could not read are destroyed for every later start")]
    ReadErrorCutAndReported,
}

/// <summary>The real-world failure a <see cref="Mutant"/> models, said once, beside the member.</summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class ModelsAttribute(string failure) : Attribute
{
    public string Failure { get; } = failure;
}

/// <summary>Names and notes of the <see cref="Mutant"/>s, and the typed check the engine's code asks.</summary>
public static class Mutants
{
    /// <summary>Name → the real-world failure it models.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = typeof(Mutant).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.GetCustomAttribute<ModelsAttribute>() is not null)
        .ToDictionary(field => ((Mutant)field.GetValue(null)!).Name(), field => field.GetCustomAttribute<ModelsAttribute>()!.Failure, StringComparer.Ordinal);

    /// <summary>The command-line name: the member name in kebab case.</summary>
    public static string Name(this Mutant mutant)
        => string.Concat(mutant.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static bool TryParse(string name, out Mutant mutant)
    {
        mutant = Enum.GetValues<Mutant>().FirstOrDefault(m => m != Mutant.None && m.Name() == name);
        return mutant != Mutant.None;
    }

    /// <summary>True when the engine runs as <paramref name="mutant"/>.</summary>
    internal static bool Is(this WalOptions options, Mutant mutant) => options.Mutant == mutant;
}
