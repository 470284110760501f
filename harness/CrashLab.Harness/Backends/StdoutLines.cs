namespace CrashLab.Harness.Backends;

/// <summary>Reads '\n'-terminated lines from a backend's stdout, refusing any longer than a limit (a flood).</summary>
internal sealed class StdoutLines(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;

    /// <summary>Set at end of stream when the last line had no newline (the writer died mid-line, or broke framing).</summary>
    public bool EndedInsideLine { get; private set; }

    /// <summary>The next line; null at end of stream. Throws <see cref="BackendFindingException"/> for an over-long line.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReadAsync()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline);
                _start += newline + 1;
                return line;
            }

            if (_end - _start >= maxLineBytes)
                throw BackendFindingException.Protocol($"stdout line longer than {(maxLineBytes >= 1 << 20 ? $"{maxLineBytes >> 20} MiB" : $"{maxLineBytes} bytes")} without a newline (flooding?); it begins: {BackendText.Clip(_buffer.AsSpan(_start, Math.Min(_end - _start, 120)))}");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
                Array.Resize(ref _buffer, (int)Math.Min(_buffer.Length * 2L, Array.MaxLength));
            var read = await stream.ReadAsync(_buffer.AsMemory(_end)).ConfigureAwait(false);
            if (read == 0)
            {
                EndedInsideLine = _end > _start;
                return null;
            }

            _end += read;
        }
    }
}
