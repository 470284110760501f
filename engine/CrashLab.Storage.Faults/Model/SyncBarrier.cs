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
/// to know about it: the last change it waits for (its operation number; 0 when none is known).
/// An fsync waits for the file's last change of any kind; an fdatasync for the file's last change
/// of size or allocation (its create, a size change, a write past its allocated blocks or into
/// blocks a size change added), even when later overwrites followed; a directory fsync for the
/// directory's last entry change. A journaling file system commits at least up to that change.
/// </summary>
/// <param name="Sequence">The number of the last operation issued before the sync.</param>
/// <param name="Inode">The synced file, or null for a directory.</param>
/// <param name="Directory">The synced directory ("" for the root), or null for a file.</param>
public sealed record SyncBarrier(long Sequence, SyncKind Kind, long? Inode, string? Directory, long LastChange)
{
    public string KindName => Kind switch
    {
        SyncKind.Fsync => "fsync",
        SyncKind.Fdatasync => "fdatasync",
        _ => "directory fsync",
    };
}
