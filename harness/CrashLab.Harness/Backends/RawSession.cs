using System.Diagnostics;
using System.Text;

namespace CrashLab.Harness.Backends;

/// <summary>
/// A backend driven line by line, with nothing interpreted: what `crashlab check` needs to send
/// malformed requests and to quote the exact line the backend answered. Spawned like every
/// backend (own process group, the protocol's environment, stderr kept bounded). Every write and
/// read is bounded by <paramref name="timeout"/>: a backend that stops reading its stdin (so the
/// pipe fills) or stops writing is killed and named, never waited for.
/// </summary>
public sealed class RawSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly LineFramer _stdout;
    private readonly Task _stderrPump;
    private readonly TimeSpan _timeout;
    private Task? _blockedWrite;

    private RawSession(Process process, TimeSpan timeout)
    {
        _process = process;
        _timeout = timeout;
        _stdin = process.StandardInput.BaseStream;
        _stdout = new LineFramer(process.StandardOutput.BaseStream, ProtocolLimits.HarnessMaxLineBytes);
        _stderrPump = Task.Run(() => Stderr.PumpAsync(process.StandardError.BaseStream));
    }

    public BoundedLog Stderr { get; } = new();

    /// <summary>What the backend did that ended the session (it was then killed); null while it behaves.</summary>
    public string? Broken { get; private set; }

    public static RawSession Start(BackendSpec spec, BackendEnvironment environment, TimeSpan timeout)
        => new(BackendProcess.Launch(spec with { Executable = ProgramPath.Resolve(spec.Executable) }, environment), timeout);

    /// <summary>Writes a line; a backend that does not take it within the timeout has stopped reading its stdin.</summary>
    public async Task SendAsync(byte[] line)
    {
        if (Broken != null || _blockedWrite != null)
            return;
        var write = WriteAsync(line);
        if (await Task.WhenAny(write, Task.Delay(_timeout)).ConfigureAwait(false) != write)
        {
            _blockedWrite = write;
            Break($"the backend stopped reading its stdin: a request could not be written within {Seconds(_timeout)}");
        }
    }

    private async Task WriteAsync(byte[] line)
    {
        try
        {
            await _stdin.WriteAsync(line).ConfigureAwait(false);
            await _stdin.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The backend is gone: the next read says so.
        }
    }

    public Task SendAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next line (bounded), null at end of output, or a <see cref="TimeoutException"/> naming what the backend did instead.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        if (Broken is { } why)
            throw new TimeoutException(why);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _stdout.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line
                ? line.TooLong ? $"{WireText.Clip(line.Bytes.Span, 200)}... (a line over {ProtocolLimits.HarnessMaxLineBytes >> 20} MiB)" : Encoding.UTF8.GetString(line.Bytes.Span)
                : null;
        }
        catch (OperationCanceledException)
        {
            var exited = _process.HasExited ? $"; the backend exited ({LastWords.Status(_process.ExitCode)}) but something it started still holds its stdout open" : "";
            throw new TimeoutException(Break($"nothing on stdout within {Seconds(timeout)}: the backend stopped answering{exited}"));
        }
        catch (IOException e)
        {
            throw new TimeoutException(Break($"stdout failed: {e.Message}"));
        }
    }

    /// <summary>Records why the session ended, kills the backend's group; returns the reason.</summary>
    private string Break(string why)
    {
        Broken ??= why;
        ProcessGroup.KillAll(_process);
        return Broken;
    }

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

    /// <summary>The exit status if the backend exits within <paramref name="timeout"/>; its stderr is then read to the end (bounded), for its last words.</summary>
    public async Task<int?> ExitAsync(TimeSpan timeout)
    {
        var status = await ProcessGroup.ExitWithinAsync(_process, timeout).ConfigureAwait(false);
        if (status != null)
            await Task.WhenAny(_stderrPump, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        return status;
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.#} s";

    public async ValueTask DisposeAsync()
    {
        ProcessGroup.KillAll(_process);
        await ProcessGroup.ExitWithinAsync(_process, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await Task.WhenAny(_stderrPump, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        ProcessGroup.Forget(_process);
        _process.Dispose();
    }
}
