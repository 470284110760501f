namespace CrashLab.Storage.Faults.Journal;

/// <summary>Kinds of journal record. Every record is: u32 length, u8 type, i64 operation number, fields.</summary>
internal enum RecordType : byte
{
    /// <summary>First sight of an existing file: path → inode (operation 0).</summary>
    Inode = 1,
    Create = 2,

    /// <summary>inode, offset, length, old file length, pre-image kind (0 zeros, 1 bytes), pre-image.</summary>
    Write = 3,

    /// <summary>inode, old length, new length, bytes removed by a shrink.</summary>
    SetLength = 4,
    Rename = 5,
    Unlink = 6,
    Sync = 7,
    SyncDirectory = 8,
    SyncFailed = 9,

    /// <summary>After compaction: the fate a pending operation had already been given.</summary>
    Fate = 10,

    /// <summary>After compaction: the number of the last operation so far.</summary>
    Counter = 11,

    /// <summary>After compaction, after the pending records: the order facts profiles need (<see cref="Model.HistorySnapshot"/>).</summary>
    History = 12,

    /// <summary>
    /// The fence: the backend was killed here (at the operation numbered, performed or not). Writes
    /// recorded after it arrived after the kill (a FUSE daemon outlives its backend).
    /// </summary>
    Killed = 13,
}
