namespace CrashLab.Protocol;

/// <summary>A reply of protocol v1: <see cref="ErrorReply"/> or the op's own success.</summary>
public abstract record Reply
{
    public long Id { get; init; }

    public bool Ok => this is not ErrorReply;
}

public sealed record ErrorReply(string Code, string? Message) : Reply;

/// <summary><see cref="DurableLsn"/> is present when the append asked for sync.</summary>
public sealed record AppendReply(long FirstLsn, long LastLsn, long? DurableLsn) : Reply;

public sealed record SyncReply(long DurableLsn) : Reply;

public sealed record TruncateReply(long FirstLsn) : Reply;

public sealed record ReadRecord(long Lsn, ReadOnlyMemory<byte> Data);

public sealed record ReadReply(IReadOnlyList<ReadRecord> Records, long NextLsn) : Reply;

public sealed record StatReply(long FirstLsn, long NextLsn, long DurableLsn) : Reply;

public sealed record ShutdownReply : Reply;
