using System.Text.Json;
using CrashLab.Wal;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Protocol;

/// <summary>
/// Serves protocol v1 over an open log. Requests are read in order on one thread, so LSNs follow
/// stdin order; appends are encoded at once, and waits for durability run on the thread pool so
/// the reader keeps reading and concurrent syncs share an fdatasync. Replies go out by id, in
/// any order.
/// </summary>
internal sealed class ProtocolServer(WriteAheadLog log, ReplyWriter replies, ILogger logger)
{
    public const int MaxLineBytes = 1 << 30;
    private readonly List<Task> _inFlight = [];

    /// <summary>One request at a time, each finished before the next is read, and no write-behind (see EngineSettings.Serial).</summary>
    public bool Serial { get; init; }

    /// <summary>Called once, after the first request was dispatched.</summary>
    public Action? FirstRequestHandled { get; init; }

    /// <summary>Reads requests until shutdown or end of input; returns the process exit code.</summary>
    public async Task<int> ServeAsync(Stream input)
    {
        var lines = new LineReader(input, MaxLineBytes);
        while (true)
        {
            var line = lines.ReadLine(Serial ? static () => { } : WriteBehind, out var tooLong);
            if (line == null)
                return await ShutdownAsync(null).ConfigureAwait(false);
            if (tooLong)
            {
                replies.Error(0, "bad_request", $"line longer than {MaxLineBytes} bytes");
                continue;
            }

            var request = RequestParser.Parse(line.Value);
            if (request is ShutdownRequest shutdown)
                return await ShutdownAsync(shutdown.Id).ConfigureAwait(false);
            try
            {
                Dispatch(request);
                if (Serial)
                    await Task.WhenAll(_inFlight).ConfigureAwait(false);
                FirstRequestHandled?.Invoke();
            }
            catch (WalException e)
            {
                ReplyError(request.Id, e);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError(e, "request {Id} failed unexpectedly", request.Id);
                replies.Error(request.Id, "io", $"internal error: {e.Message}");
            }
        }
    }

    private void Dispatch(Request request)
    {
        switch (request)
        {
            case InvalidRequest invalid:
                replies.Error(invalid.Id, invalid.Error, invalid.Message);
                break;
            case AppendRequest append:
                var ticket = log.Append(append.Records);
                if (append.Sync)
                    Track(request.Id, async () => ReplyAppend(append.Id, ticket, await log.WaitDurableAsync(ticket).ConfigureAwait(false)));
                else
                    ReplyAppend(append.Id, ticket, null);
                break;
            case SyncRequest sync:
                Track(sync.Id, async () =>
                {
                    var durable = await log.SyncAsync().ConfigureAwait(false);
                    replies.Ok(sync.Id, json => json.WriteNumber("durable_lsn", durable));
                });
                break;
            case TruncateRequest truncate:
                var truncation = log.TruncateAsync(truncate.BeforeLsn);
                Track(truncate.Id, async () =>
                {
                    var first = await truncation.ConfigureAwait(false);
                    replies.Ok(truncate.Id, json => json.WriteNumber("first_lsn", first));
                });
                break;
            case ReadRequest read:
                var result = log.Read(read.FromLsn, read.MaxRecords, read.MaxBytes);
                replies.Ok(read.Id, json => WriteRecords(json, result));
                break;
            case StatRequest stat:
                var status = log.Status;
                replies.Ok(stat.Id, json =>
                {
                    json.WriteNumber("first_lsn", status.FirstLsn);
                    json.WriteNumber("next_lsn", status.NextLsn);
                    json.WriteNumber("durable_lsn", status.DurableLsn);
                });
                break;
        }
    }

    private void ReplyAppend(long id, AppendTicket ticket, long? durable) => replies.Ok(id, json =>
    {
        json.WriteNumber("first_lsn", ticket.FirstLsn);
        json.WriteNumber("last_lsn", ticket.LastLsn);
        if (durable is { } d)
            json.WriteNumber("durable_lsn", d);
    });

    private static void WriteRecords(Utf8JsonWriter json, ReadResult result)
    {
        json.WriteStartArray("records");
        foreach (var record in result.Records)
        {
            json.WriteStartObject();
            json.WriteNumber("lsn", record.Lsn);
            json.WriteBase64String("data", record.Data);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("next_lsn", result.NextLsn);
    }

    /// <summary>Runs a reply that waits for I/O off the reader thread, and remembers it for shutdown.</summary>
    private void Track(long id, Func<Task> work)
    {
        if (_inFlight.Count > 256)
            _inFlight.RemoveAll(t => t.IsCompleted);
        _inFlight.Add(Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (WalException e)
            {
                ReplyError(id, e);
            }
        }));
    }

    private void WriteBehind()
    {
        try
        {
            log.WriteBuffered();
        }
        catch (WalException e)
        {
            logger.LogWarning("write-behind failed: {Message}", e.Message);
        }
    }

    private async Task<int> ShutdownAsync(long? id)
    {
        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        try
        {
            await log.SyncAsync().ConfigureAwait(false);
        }
        catch (WalException e)
        {
            logger.LogError("shutdown could not make the log durable: {Message}", e.Message);
            if (id is { } failed)
                ReplyError(failed, e);
            return 1;
        }

        if (id is { } ok)
            replies.Ok(ok);
        return 0;
    }

    private void ReplyError(long id, WalException e)
    {
        var code = e.Kind switch
        {
            WalErrorKind.NoSpace => "no_space",
            WalErrorKind.Poisoned => "poisoned",
            WalErrorKind.BadRequest => "bad_request",
            _ => "io",
        };
        if (e.Kind is not WalErrorKind.BadRequest)
            logger.LogWarning("request {Id} failed: {Code}: {Message}", id, code, e.Message);
        replies.Error(id, code, e.Message);
    }
}
