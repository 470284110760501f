namespace CrashLab.Protocol;

/// <summary>A request of protocol v1. <see cref="Id"/> is positive; the writer of a request assigns it.</summary>
public abstract record Request
{
    public long Id { get; init; }

    public abstract string Op { get; }
}

public sealed record AppendRequest(IReadOnlyList<ReadOnlyMemory<byte>> Records, bool Sync) : Request
{
    public override string Op => Protocol.Op.Append;
}

public sealed record SyncRequest : Request
{
    public override string Op => Protocol.Op.Sync;
}

public sealed record TruncateRequest(long BeforeLsn) : Request
{
    public override string Op => Protocol.Op.Truncate;
}

public sealed record ReadRequest(long FromLsn, int MaxRecords = ProtocolLimits.DefaultMaxRecords, long MaxBytes = ProtocolLimits.DefaultMaxBytes) : Request
{
    public override string Op => Protocol.Op.Read;
}

public sealed record StatRequest : Request
{
    public override string Op => Protocol.Op.Stat;
}

public sealed record ShutdownRequest : Request
{
    public override string Op => Protocol.Op.Shutdown;
}

/// <summary>A line that could not be read as a request: the reply is <see cref="Error"/> (bad_request or unsupported); Id is 0 when none could be read.</summary>
public sealed record InvalidRequest(string Error, string Message) : Request
{
    public override string Op => "";
}
