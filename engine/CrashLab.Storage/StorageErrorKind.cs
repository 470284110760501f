namespace CrashLab.Storage;

/// <summary>What went wrong, in the categories a WAL must treat differently.</summary>
public enum StorageErrorKind
{
    /// <summary>EIO: the device failed. After a failed flush the data's fate is unknown.</summary>
    Io,

    /// <summary>ENOSPC / EDQUOT: out of space; retry once space is back.</summary>
    NoSpace,

    /// <summary>ENOENT.</summary>
    NotFound,

    /// <summary>EEXIST.</summary>
    AlreadyExists,

    /// <summary>EACCES / EPERM / EROFS.</summary>
    AccessDenied,

    /// <summary>Anything else; see the errno.</summary>
    Other,
}
