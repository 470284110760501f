namespace CrashLab.Wal;

/// <summary>Failure classes, one per protocol error code.</summary>
public enum WalErrorKind
{
    /// <summary>An I/O call failed; nothing in the request was acknowledged.</summary>
    Io,

    /// <summary>The device is full; nothing in the request was acknowledged; retry later.</summary>
    NoSpace,

    /// <summary>An earlier flush failed: writes are refused until restart.</summary>
    Poisoned,

    /// <summary>The request is malformed or out of range; nothing changed.</summary>
    BadRequest,
}
