namespace CrashLab.Storage.Faults.Model;

/// <summary>The kind of a successful sync: what a profile may make durable with it.</summary>
public enum SyncKind
{
    Fsync,
    Fdatasync,
    DirectoryFsync,
}

/// <summary>
/// A successful fsync, fdatasync or directory fsync, with what profiles stronger than posix need
/// to know about it: the last change to the synced file or directory before it (its operation
/// number; 0 when none is known) and, for a file, whether that change moved its size or its
/// allocation (an ext4 fdatasync commits the journal only then).
/// </summary>
/// <param name="Sequence">The number of the last operation issued before the sync.</param>
/// <param name="Inode">The synced file, or null for a directory.</param>
/// <param name="Directory">The synced directory ("" for the root), or null for a file.</param>
public sealed record SyncBarrier(long Sequence, SyncKind Kind, long? Inode, string? Directory, long LastChange, bool LastChangeMovedSize)
{
    public string KindName => Kind switch
    {
        SyncKind.Fsync => "fsync",
        SyncKind.Fdatasync => "fdatasync",
        _ => "directory fsync",
    };
}
