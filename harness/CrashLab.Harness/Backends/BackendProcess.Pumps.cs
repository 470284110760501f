using System.Text;

namespace CrashLab.Harness.Backends;

public sealed partial class BackendProcess
{
    /// <summary>
    /// Writes one request line, and gives its buffer back to the pool once the write has ended. A
    /// backend that stops reading its stdin fills the pipe and would block the write forever: past
    /// the request timeout that is a liveness finding, and the backend is killed (which also ends
    /// the blocked write).
    /// </summary>
    private async Task SendLineAsync(PooledBuffer line, CancellationToken cancellationToken)
    {
        var lent = false;
        try
        {
            if (_closed is { } why)
                throw new BackendExitedException(why);
            if (!await _writeGate.WaitAsync(_timeouts.Request, cancellationToken).ConfigureAwait(false))
                throw StoppedReading();

            // Once a line has started, the caller's token no longer applies: a request abandoned half-way
            // (or after it reached the backend) would leave its reply with no one waiting for its id.
            var write = WriteAsync(line.Written);
            try
            {
                await write.WaitAsync(_timeouts.Request, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The gate stays taken, and the buffer lent, until the write ends (the kill ends it): nothing
                // may interleave with half a line, nor reuse the bytes the pipe is still reading.
                lent = true;
                _ = write.ContinueWith(_ => { line.Dispose(); _writeGate.Release(); }, TaskScheduler.Default);
                throw StoppedReading();
            }
            catch
            {
                _writeGate.Release();
                throw;
            }

            _writeGate.Release();
        }
        finally
        {
            if (!lent)
                line.Dispose();
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> line)
    {
        try
        {
            await _stdin.WriteAsync(line).ConfigureAwait(false);
            await _stdin.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new BackendExitedException("the backend closed its stdin (it exited)");
        }
    }

    private BackendFindingException StoppedReading()
    {
        var finding = BackendFindingException.Liveness($"the backend stopped reading its stdin: a request could not be written within {_timeouts.Request.TotalSeconds:0.#} s");
        _findings.Enqueue(finding);
        Kill();
        return finding;
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
        // Every line is dispatched before the next is read, so the framer's pooled buffer is given back when the pump ends.
        using var lines = new LineFramer(_process.StandardOutput.BaseStream, _timeouts.MaxLineBytes);
        string reason;
        try
        {
            while (await lines.ReadLineAsync().ConfigureAwait(false) is { } line && !lines.EndedInsideLine)
            {
                if (line.TooLong)
                    throw BackendFindingException.Protocol($"stdout line longer than {Size(lines.MaxLineBytes)} without a newline (flooding?); it begins: {WireText.Clip(line.Bytes.Span, 120)}");
                Dispatch(line.Bytes);
            }

            reason = "the backend closed stdout";
            // Half a line is the mark of a SIGKILL mid-write (ours, or a crash point's), not of bad framing.
            if (lines.EndedInsideLine && !_killed && !(await ExitsSoonAsync().ConfigureAwait(false) && _process.ExitCode == KilledBySigkill))
                throw BackendFindingException.Protocol("stdout ended inside a line (no trailing newline)");
            // A backend the harness killed is dying: its pending requests fail at the end of its
            // stdout, with every reply it wrote read, not once its exit is seen too (a thread hop
            // and a reap later, tens of milliseconds under load, each kill). The start after it
            // still waits for the reap (DisposeAsync).
            if (!_killed && !await ExitsSoonAsync().ConfigureAwait(false))
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
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the backend wrote, it must end as a finding, never as a pump that died silently.
            var finding = BackendFindingException.Protocol($"stdout could not be understood: {WireText.Clip(e.Message)}");
            _findings.Enqueue(finding);
            reason = finding.Message;
            Kill();
        }

        Close(reason);
    }

    private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    /// <summary>
    /// Hands one line to whoever waits for it. The line is parsed in place (no copy of a 1.4 MB
    /// reply page), so a reply's body is read here, before the framer's buffer is read into again.
    /// </summary>
    private void Dispatch(ReadOnlyMemory<byte> bytes)
    {
        BackendLine line;
        IDisposable document;
        try
        {
            line = BackendLineParser.ParseInPlace(bytes, out document);
        }
        catch (ProtocolException e)
        {
            throw BackendFindingException.Protocol(e.Message);
        }

        using (document)
            Dispatch(line, bytes);
    }

    private void Dispatch(BackendLine line, ReadOnlyMemory<byte> bytes)
    {
        if (line is not BackendLine.Answer answer)
        {
            if (!_startEvent.TrySetResult(line))
                throw BackendFindingException.Protocol($"a second start event: {Abbreviate(bytes)}");
            return;
        }

        if (!_startEvent.Task.IsCompleted)
            throw BackendFindingException.Protocol($"a reply before the ready event: {Abbreviate(bytes)}");
        if (!_pending.TryRemove(answer.Id, out var waiter))
        {
            _findings.Enqueue(BackendFindingException.Protocol(answer.Id == 0 ? $"the backend rejected a request as malformed: {Abbreviate(bytes)}" : $"a reply with unknown id {answer.Id}: {Abbreviate(bytes)}"));
            return;
        }

        try
        {
            waiter.Reply.TrySetResult(BackendLineParser.ParseReply(answer.Id, answer.Body, waiter.Sent));
        }
        catch (ProtocolException e)
        {
            waiter.Reply.TrySetException(BackendFindingException.Protocol(e.Message));
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
                waiter.Reply.TrySetException(_findings.TryPeek(out var f) ? f : exited);
        }
    }

    private const int KilledBySigkill = 137;

    private async Task<bool> ExitsSoonAsync() => await ProcessGroup.ExitWithinAsync(_process, TimeSpan.FromMilliseconds(500)).ConfigureAwait(false) != null;

    private Task PumpStderrAsync() => Stderr.PumpAsync(_process.StandardError.BaseStream);

    internal static string Abbreviate(ReadOnlyMemory<byte> line) => WireText.Clip(line.Span, 120);
}
