namespace CrashLab.Storage;

public enum OpenMode
{
    /// <summary>The file must exist.</summary>
    OpenExisting,

    /// <summary>The file must not exist; it is created empty.</summary>
    CreateNew,

    /// <summary>Opened if present, created empty otherwise.</summary>
    OpenOrCreate,

    /// <summary>Read-only; the file must exist.</summary>
    ReadOnly,
}
