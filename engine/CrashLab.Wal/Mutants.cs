namespace CrashLab.Wal;

/// <summary>
/// Known-bad variants of the engine, one deliberate bug each, modelled on real WAL failures. The
/// conformance suite must catch every one; the reference engine is none of them.
/// </summary>
public static class Mutants
{
    public const string AckBeforeFdatasync = "ack-before-fdatasync";
    public const string RetryFailedFsync = "retry-failed-fsync";
    public const string NoDirFsync = "no-dir-fsync";
    public const string SkipBadRecord = "skip-bad-record";
    public const string WriteOffsetWrong = "write-offset-wrong";
    public const string TornTailNotCut = "torn-tail-not-cut";
    public const string NonAtomicBatch = "non-atomic-batch";
    public const string TruncateOffByOne = "truncate-off-by-one";
    public const string LsnRestartAfterTruncate = "lsn-restart-after-truncate";
    public const string ChecksumsNotVerified = "checksums-not-verified";
    public const string PartialGroupSync = "partial-group-sync";
    public const string ReadErrorAsEnd = "read-error-as-end";
    public const string ReadErrorCutAndReported = "read-error-cut-and-reported";

    /// <summary>Name → the real-world failure it models.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        [AckBeforeFdatasync] = "acknowledges sync appends as durable without calling fdatasync (data 'does not persist across restarts' after power loss)",
        [RetryFailedFsync] = "retries a failed fdatasync and trusts the retry's success, though Linux already dropped the dirty pages (PostgreSQL 'fsyncgate', 2018)",
        [NoDirFsync] = "creates and renames segment files without fsyncing the directory: a new segment can vanish at power loss (ALICE; RocksDB 2022)",
        [SkipBadRecord] = "recovery skips a record that fails its checksum and resynchronises at the next valid frame, leaving a hole in the log",
        [WriteOffsetWrong] = "every write after a segment's first lands 8 bytes past its place, so the second record's checksum fails on read-back (the multi-entry checksum mismatch)",
        [TornTailNotCut] = "recovery stops at a torn tail but neither zeroes it nor appends at the cut: new records go after the garbage and are unreachable at the next recovery",
        [NonAtomicBatch] = "commits each record of a batch on its own, so a crash can recover part of a batch",
        [TruncateOffByOne] = "the truncation marker records before_lsn + 1, so the record at before_lsn disappears at the next restart",
        [LsnRestartAfterTruncate] = "after a restart the next LSN is counted from 1 over the records past the truncation point, so LSNs are reused",
        [ChecksumsNotVerified] = "computes checksums on write but never compares them on read or recovery: torn or flipped data comes back as records",
        [PartialGroupSync] = "group commit calls fdatasync before the last part of the group is written, then acknowledges the whole group as durable",
        [ReadErrorAsEnd] = "recovery treats a read error as the end of the log, cuts the tail there and overwrites acknowledged records",
        [ReadErrorCutAndReported] = "recovery reports a read error as corruption, honestly, but also cuts the log there durably: records it could not read are destroyed for every later start",
    };

    public static bool Is(this WalOptions options, string mutant) => options.Mutant == mutant;
}
