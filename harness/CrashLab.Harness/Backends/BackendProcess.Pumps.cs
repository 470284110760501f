using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CrashLab.Harness.Backends;

public sealed partial class BackendProcess
{
    private static byte[] Request(long id, string op, Action<Utf8JsonWriter>? fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("op", op);
            fields?.Invoke(json);
            json.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    private async Task SendLineAsync(byte[] line, CancellationToken cancellationToken)
    {
        if (_closed is { } why)
            throw new BackendExitedException(why);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stdin.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            throw new BackendExitedException("the backend closed its stdin (it exited)");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Closes stdin: the protocol's "shut down cleanly".</summary>
    public void CloseInput()
    {
        try
        {
            _stdin.Close();
        }
        catch (IOException)
        {
        }
    }

    private async Task PumpStdoutAsync()
    {
        var lines = new StdoutLines(_process.StandardOutput.BaseStream, _timeouts.MaxLineBytes);
        string reason;
        try
        {
            while (await lines.ReadAsync().ConfigureAwait(false) is { } line)
                Dispatch(line);
            reason = "the backend closed stdout";
            // Half a line is the mark of a SIGKILL mid-write (ours, or a crash point's), not of bad framing.
            if (lines.EndedInsideLine && !_killed && !(await ExitsSoonAsync().ConfigureAwait(false) && _process.ExitCode == KilledBySigkill))
                throw BackendFindingException.Protocol("stdout ended inside a line (no trailing newline)");
            if (!await ExitsSoonAsync().ConfigureAwait(false))
            {
                _findings.Enqueue(BackendFindingException.Protocol("the backend closed stdout but kept running"));
                Kill();
            }
        }
        catch (BackendFindingException finding)
        {
            _findings.Enqueue(finding);
            reason = finding.Message;
            Kill();
        }
        catch (IOException e)
        {
            reason = $"stdout failed: {e.Message}";
        }

        Close(reason);
    }

    private void Dispatch(ReadOnlyMemory<byte> line)
    {
        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(line);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw BackendFindingException.Protocol($"stdout carried a line that is not JSON: {Abbreviate(line)}");
        }

        if (message.ValueKind != JsonValueKind.Object)
            throw BackendFindingException.Protocol($"stdout carried a JSON value that is not an object: {Abbreviate(line)}");
        if (message.TryGetProperty("event", out var kind))
        {
            if (kind.GetString() is not ("ready" or "fatal"))
                throw BackendFindingException.Protocol($"unknown event {kind}");
            if (!_startEvent.TrySetResult(message))
                throw BackendFindingException.Protocol($"a second start event: {Abbreviate(line)}");
            return;
        }

        if (!message.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var id))
            throw BackendFindingException.Protocol($"a reply without an integer id: {Abbreviate(line)}");
        if (!_startEvent.Task.IsCompleted)
            throw BackendFindingException.Protocol("a reply before the ready event");
        if (!_pending.TryRemove(id, out var waiter))
        {
            _findings.Enqueue(BackendFindingException.Protocol(id == 0 ? $"the backend rejected a request as malformed: {Abbreviate(line)}" : $"a reply with unknown id {id}"));
            return;
        }

        try
        {
            waiter.TrySetResult(Reply.Parse(message, id));
        }
        catch (BackendFindingException finding)
        {
            waiter.TrySetException(finding);
        }
    }

    private void Close(string reason)
    {
        _closed ??= reason;
        var exited = new BackendExitedException(reason);
        _startEvent.TrySetException(_findings.TryPeek(out var finding) ? finding : exited);
        foreach (var (id, waiter) in _pending)
        {
            if (_pending.TryRemove(id, out _))
                waiter.TrySetException(_findings.TryPeek(out var f) ? f : exited);
        }
    }

    private const int KilledBySigkill = 137;

    private async Task<bool> ExitsSoonAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
                Stderr.Add(line.Length > 4096 ? line[..4096] + "..." : line);
        }
        catch (IOException)
        {
        }
    }

    internal static string Abbreviate(ReadOnlyMemory<byte> line)
    {
        var text = Encoding.UTF8.GetString(line.Span[..Math.Min(line.Length, 120)]);
        return line.Length > 120 ? text + $"... ({line.Length} bytes)" : text;
    }
}
