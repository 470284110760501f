namespace CrashLab.Storage.Faults.Shim;

/// <summary>
/// Sees every mutating operation the shim lets through, just before it happens (so it can save
/// what undoing it needs) and every successful flush after it happens. The undo journal is one.
/// </summary>
public interface IOperationRecorder
{
    /// <summary>Identifies the inode behind a path being opened; <paramref name="created"/> when the open creates it.</summary>
    long Opened(long op, string path, bool created);

    void BeforeWrite(long op, long inode, IStorageFile file, long offset, int length);

    void BeforeSetLength(long op, long inode, IStorageFile file, long length);

    void BeforeRename(long op, string from, string to);

    void BeforeDelete(long op, string path);

    void Synced(long op, long inode, bool dataOnly);

    void SyncedDirectory(long op, string path);

    void SyncFailed(long op, long inode);

    /// <summary>The backend was killed at operation <paramref name="op"/> (after it if <paramref name="performed"/>); later writes came after the kill.</summary>
    void Killed(long op, bool performed);
}
