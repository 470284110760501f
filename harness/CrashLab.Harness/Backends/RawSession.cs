using System.Diagnostics;
using System.Text;

namespace CrashLab.Harness.Backends;

/// <summary>
/// A backend driven line by line, with nothing interpreted: what `crashlab check` needs to send
/// malformed requests and to quote the exact line the backend answered. Spawned like every
/// backend (own process group, the protocol's environment, stderr kept bounded).
/// </summary>
public sealed class RawSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly LineFramer _stdout;
    private readonly Task _stderrPump;

    private RawSession(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _stdout = new LineFramer(process.StandardOutput.BaseStream, ProtocolLimits.HarnessMaxLineBytes);
        _stderrPump = Task.Run(() => Stderr.PumpAsync(process.StandardError.BaseStream));
    }

    public BoundedLog Stderr { get; } = new();

    public static RawSession Start(BackendSpec spec, BackendEnvironment environment)
        => new(BackendProcess.Launch(spec with { Executable = ProgramPath.Resolve(spec.Executable) }, environment));

    public async Task SendAsync(byte[] line)
    {
        try
        {
            await _stdin.WriteAsync(line).ConfigureAwait(false);
            await _stdin.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The backend is gone: the next read says so.
        }
    }

    public Task SendAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next line (bounded), null at end of output, or a timeout.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _stdout.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line
                ? line.TooLong ? $"{WireText.Clip(line.Bytes.Span, 200)}... (a line over {ProtocolLimits.HarnessMaxLineBytes >> 20} MiB)" : Encoding.UTF8.GetString(line.Bytes.Span)
                : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nothing within {timeout.TotalSeconds:0.#} s");
        }
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

    public async ValueTask DisposeAsync()
    {
        ProcessGroup.KillAll(_process);

        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _stderrPump.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        _process.Dispose();
    }
}
