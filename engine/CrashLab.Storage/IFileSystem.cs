namespace CrashLab.Storage;

/// <summary>
/// Everything the engine does to storage. Implementations: the physical Linux file system,
/// the fault-injecting shim (a decorator) and the in-memory simulated disk. No engine I/O may
/// bypass this seam, or the shim cannot see (and break) it.
/// </summary>
public interface IFileSystem
{
    /// <summary>Opens a file for positional reads and writes.</summary>
    IStorageFile Open(string path, OpenMode mode);

    /// <summary>Renames atomically, replacing <paramref name="to"/> if it exists. Durable after <see cref="SyncDirectory"/>.</summary>
    void Rename(string from, string to);

    /// <summary>Removes a directory entry. Durable after <see cref="SyncDirectory"/>.</summary>
    void Delete(string path);

    /// <summary>Names (not paths) of the regular files in a directory, in no particular order.</summary>
    IReadOnlyList<string> List(string directory);

    bool Exists(string path);

    /// <summary>Creates the directory (and parents) if missing.</summary>
    void CreateDirectory(string path);

    /// <summary>fsync of a directory: makes creates, renames and unlinks in it durable.</summary>
    void SyncDirectory(string path);
}
