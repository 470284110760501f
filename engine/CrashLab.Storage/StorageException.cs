namespace CrashLab.Storage;

/// <summary>A failed storage call, typed so callers can tell EIO from ENOSPC from the rest.</summary>
public sealed class StorageException : IOException
{
    public StorageException(StorageErrorKind kind, int errno, string operation, string path)
        : base($"{operation} {path}: {Errno.Name(errno)} ({kind})")
    {
        Kind = kind;
        ErrorNumber = errno;
        Operation = operation;
        FilePath = path;
    }

    public StorageErrorKind Kind { get; }

    /// <summary>The Linux errno (0 when the error did not come from the kernel).</summary>
    public int ErrorNumber { get; }

    public string Operation { get; }

    public string FilePath { get; }

    public static StorageException FromErrno(int errno, string operation, string path)
        => new(Errno.Classify(errno), errno, operation, path);
}
