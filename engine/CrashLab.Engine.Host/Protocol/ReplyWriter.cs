using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

namespace CrashLab.Engine.Host.Protocol;

/// <summary>
/// The only writer of stdout. Replies are queued from any thread and written by one loop that
/// flushes only when the queue is empty, so a burst of replies costs one write system call.
/// </summary>
internal sealed class ReplyWriter : IAsyncDisposable
{
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Stream _output;
    private readonly Task _pump;

    public ReplyWriter(Stream output)
    {
        _output = output;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Queues one JSON object, written by <paramref name="write"/>, as one line.</summary>
    public void Send(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        _queue.Writer.TryWrite(line);
    }

    public void Ok(long id, Action<Utf8JsonWriter>? fields = null) => Send(json =>
    {
        json.WriteNumber("id", id);
        json.WriteBoolean("ok", true);
        fields?.Invoke(json);
    });

    public void Error(long id, string error, string message) => Send(json =>
    {
        json.WriteNumber("id", id);
        json.WriteBoolean("ok", false);
        json.WriteString("error", error);
        json.WriteString("message", message);
    });

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
