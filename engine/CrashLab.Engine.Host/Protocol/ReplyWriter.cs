using System.Threading.Channels;
using CrashLab.Protocol;

namespace CrashLab.Engine.Host.Protocol;

/// <summary>
/// The only writer of stdout. Replies are queued from any thread and written by one loop that
/// flushes only when the queue is empty, so a burst of replies costs one write system call.
/// </summary>
internal sealed class ReplyWriter : IAsyncDisposable
{
    private readonly Channel<ReadOnlyMemory<byte>> _queue = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Stream _output;
    private readonly Task _pump;

    public ReplyWriter(Stream output)
    {
        _output = output;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Queues one reply, as one line (written as it was built: a read's page is not copied again).</summary>
    public void Send(Reply reply) => _queue.Writer.TryWrite(ProtocolWriter.ReplyLine(reply));

    public void Error(long id, string code, string message) => Send(new ErrorReply(code, message) { Id = id });

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var line))
                await _output.WriteAsync(line).ConfigureAwait(false);
            await _output.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes everything queued so far and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }
}
