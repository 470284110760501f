using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>A recovered backend process, read and appended to through protocol v1.</summary>
public sealed class ProtocolLog(BackendProcess backend, CancellationToken cancellationToken) : IRecoveredLog
{
    /// <summary>Bytes one read of the recovered log asks for: a record larger than this still comes back alone.</summary>
    public const int ReadMaxBytes = 4 << 20;

    public ReadyEvent Ready => backend.Ready!;

    public async Task<LogFetcher.Page> ReadAsync(long fromLsn)
    {
        var reply = await backend.RequestAsync("read", json =>
        {
            json.WriteNumber("from_lsn", fromLsn);
            json.WriteNumber("max_records", 1000);
            json.WriteNumber("max_bytes", ReadMaxBytes);
        }, cancellationToken).ConfigureAwait(false);
        if (!reply.Ok)
            return LogFetcher.Page.Failed(reply.Error ?? "unknown", reply.Message ?? "");
        var what = $"record of read reply {reply.Id}";
        return new LogFetcher.Page([.. reply.Array("records").EnumerateArray().Select(r => (JsonFields.Long(r, "lsn", what), JsonFields.Base64(r, "data", what)))], reply.Long("next_lsn"));
    }

    public async Task<AppendAnswer> AppendAsync(IReadOnlyList<byte[]> records, bool sync)
    {
        var reply = await backend.RequestAsync("append", json =>
        {
            json.WriteStartArray("records");
            foreach (var record in records)
                json.WriteBase64StringValue(record);
            json.WriteEndArray();
            json.WriteBoolean("sync", sync);
        }, cancellationToken).ConfigureAwait(false);
        if (!reply.Ok)
            return AppendAnswer.Failed(reply.Error ?? "unknown", reply.Message ?? "");
        return new AppendAnswer(true, reply.Long("first_lsn"), reply.Long("last_lsn"), sync ? reply.Long("durable_lsn") : null);
    }
}
