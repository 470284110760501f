using CrashLab.Protocol;
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
    private readonly List<Task> _inFlight = [];

    /// <summary>One request at a time, each finished before the next is read, and no write-behind (see EngineSettings.Serial).</summary>
    public bool Serial { get; init; }

    /// <summary>Reads requests until shutdown or end of input; returns the process exit code.</summary>
    public async Task<int> ServeAsync(Stream input)
    {
        var lines = new LineFramer(input, ProtocolLimits.EngineMaxLineBytes);
        while (true)
        {
            if (lines.ReadLine(Serial ? null : WriteBehind) is not { } line)
                return await ShutdownAsync(null).ConfigureAwait(false);
            if (line.TooLong)
            {
                replies.Error(0, ErrorCode.BadRequest, $"line longer than {ProtocolLimits.EngineMaxLineBytes} bytes");
                continue;
            }

            var request = RequestParser.Parse(line.Bytes);
            if (request is ShutdownRequest shutdown)
                return await ShutdownAsync(shutdown.Id).ConfigureAwait(false);
            try
            {
                Dispatch(request);
                if (Serial)
                    await Task.WhenAll(_inFlight).ConfigureAwait(false);
            }
            catch (WalException e)
            {
                ReplyError(request.Id, e);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError(e, "request {Id} failed unexpectedly", request.Id);
                replies.Error(request.Id, ErrorCode.Io, $"internal error: {e.Message}");
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
                    replies.Send(new SyncReply(durable) { Id = sync.Id });
                });
                break;
            case TruncateRequest truncate:
                var truncation = log.TruncateAsync(truncate.BeforeLsn);
                Track(truncate.Id, async () =>
                {
                    var first = await truncation.ConfigureAwait(false);
                    replies.Send(new TruncateReply(first) { Id = truncate.Id });
                });
                break;
            case ReadRequest read:
                var result = log.Read(read.FromLsn, read.MaxRecords, read.MaxBytes);
                replies.Send(new ReadReply([.. result.Records.Select(r => new ReadRecord(r.Lsn, r.Data))], result.NextLsn) { Id = read.Id });
                break;
            case StatRequest stat:
                var status = log.Status;
                replies.Send(new StatReply(status.FirstLsn, status.NextLsn, status.DurableLsn) { Id = stat.Id });
                break;
        }
    }

    private void ReplyAppend(long id, AppendTicket ticket, long? durable) => replies.Send(new AppendReply(ticket.FirstLsn, ticket.LastLsn, durable) { Id = id });

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
            replies.Send(new ShutdownReply { Id = ok });
        return 0;
    }

    private void ReplyError(long id, WalException e)
    {
        var code = e.Kind switch
        {
            WalErrorKind.NoSpace => ErrorCode.NoSpace,
            WalErrorKind.Poisoned => ErrorCode.Poisoned,
            WalErrorKind.BadRequest => ErrorCode.BadRequest,
            _ => ErrorCode.Io,
        };
        if (e.Kind is not WalErrorKind.BadRequest)
            logger.LogWarning("request {Id} failed: {Code}: {Message}", id, code, e.Message);
        replies.Error(id, code, e.Message);
    }
}
