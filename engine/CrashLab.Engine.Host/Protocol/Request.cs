namespace CrashLab.Engine.Host.Protocol;

/// <summary>A parsed protocol request. Every request has a positive <see cref="Id"/>.</summary>
internal abstract record Request(long Id);

internal sealed record AppendRequest(long Id, ReadOnlyMemory<byte>[] Records, bool Sync) : Request(Id);

internal sealed record SyncRequest(long Id) : Request(Id);

internal sealed record TruncateRequest(long Id, long BeforeLsn) : Request(Id);

internal sealed record ReadRequest(long Id, long FromLsn, int MaxRecords, long MaxBytes) : Request(Id);

internal sealed record StatRequest(long Id) : Request(Id);

internal sealed record ShutdownRequest(long Id) : Request(Id);

/// <summary>A line that could not be turned into a request; <see cref="Request.Id"/> is 0 when no id could be read.</summary>
internal sealed record InvalidRequest(long Id, string Error, string Message) : Request(Id);
