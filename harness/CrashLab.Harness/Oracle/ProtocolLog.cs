using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>A recovered backend process, read and appended to through protocol v1.</summary>
public sealed class ProtocolLog(BackendProcess backend, CancellationToken cancellationToken) : IRecoveredLog
{
    public ReadyEvent Ready => backend.Ready!;

    public async Task<LogFetcher.Page> ReadAsync(long fromLsn)
    {
        var reply = await backend.RequestAsync(new ReadRequest(fromLsn, ProtocolLimits.DefaultMaxRecords, ProtocolLimits.HarnessReadMaxBytes), cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            ReadReply read => new LogFetcher.Page([.. read.Records.Select(r => (r.Lsn, r.Data))], read.NextLsn),
            ErrorReply error => LogFetcher.Page.Failed(error.Code, error.Message ?? ""),
            _ => throw BackendFindingException.Protocol($"reply {reply.Id} to a read is not a read reply"),
        };
    }

    public async Task<AppendAnswer> AppendAsync(IReadOnlyList<byte[]> records, bool sync)
    {
        var reply = await backend.RequestAsync(new AppendRequest([.. records.Select(r => (ReadOnlyMemory<byte>)r)], sync), cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            AppendReply append => new AppendAnswer(true, append.FirstLsn, append.LastLsn, append.DurableLsn),
            ErrorReply error => AppendAnswer.Failed(error.Code, error.Message ?? ""),
            _ => throw BackendFindingException.Protocol($"reply {reply.Id} to an append is not an append reply"),
        };
    }
}
