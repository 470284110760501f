namespace CrashLab.Protocol;

/// <summary>Every field name of protocol v1: nothing outside this library spells one.</summary>
public static class Field
{
    public const string Id = "id";
    public const string Op = "op";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Message = "message";
    public const string Event = "event";
    public const string Protocol = "protocol";
    public const string Backend = "backend";
    public const string FirstLsn = "first_lsn";
    public const string NextLsn = "next_lsn";
    public const string LastLsn = "last_lsn";
    public const string DurableLsn = "durable_lsn";
    public const string Corruption = "corruption";
    public const string Lsn = "lsn";
    public const string Detail = "detail";
    public const string Records = "records";
    public const string Data = "data";
    public const string Sync = "sync";
    public const string BeforeLsn = "before_lsn";
    public const string FromLsn = "from_lsn";
    public const string MaxRecords = "max_records";
    public const string MaxBytes = "max_bytes";
}

/// <summary>The operations a request names.</summary>
public static class Op
{
    public const string Append = "append";
    public const string Sync = "sync";
    public const string Truncate = "truncate";
    public const string Read = "read";
    public const string Stat = "stat";
    public const string Shutdown = "shutdown";
}

/// <summary>The events a backend writes at start-up.</summary>
public static class EventName
{
    public const string Ready = "ready";
    public const string Fatal = "fatal";
}

/// <summary>The error codes of a failed reply.</summary>
public static class ErrorCode
{
    /// <summary>An I/O call failed; nothing in the request was acknowledged.</summary>
    public const string Io = "io";

    /// <summary>The device is full; nothing in the request was acknowledged.</summary>
    public const string NoSpace = "no_space";

    /// <summary>An earlier unrecoverable I/O error stops all writes until restart.</summary>
    public const string Poisoned = "poisoned";

    /// <summary>Malformed or out-of-range request; the backend's state is unchanged.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The backend does not implement this op.</summary>
    public const string Unsupported = "unsupported";

    public static IReadOnlyList<string> All { get; } = [Io, NoSpace, Poisoned, BadRequest, Unsupported];
}
