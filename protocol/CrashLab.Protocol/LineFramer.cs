namespace CrashLab.Protocol;

/// <summary>
/// The one line framer of protocol v1: splits a byte stream into '\n'-terminated lines without
/// decoding them. A line longer than the limit is reported (with its first bytes) as soon as it
/// passes the limit, and the rest of it is skipped, so the other side cannot make the reader
/// buffer without bound, nor hold it waiting for a newline that never comes.
/// </summary>
public sealed class LineFramer(Stream input, int maxLineBytes)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _skipping;

    /// <summary>One framed line: its bytes, or, when it was too long, the first bytes of it.</summary>
    public readonly record struct Line(ReadOnlyMemory<byte> Bytes, bool TooLong);

    /// <summary>Set at the end of input when the last bytes had no newline (a writer killed mid-line, or broken framing).</summary>
    public bool EndedInsideLine { get; private set; }

    public int MaxLineBytes => maxLineBytes;

    /// <summary>The next line, or null at end of input; <paramref name="beforeBlocking"/> runs before each read that may block.</summary>
    public Line? ReadLine(Action? beforeBlocking = null)
    {
        while (true)
        {
            if (Next() is { } line)
                return line;
            beforeBlocking?.Invoke();
            if (!Filled(input.Read(_buffer, _end, _buffer.Length - _end)))
                return End();
        }
    }

    public async Task<Line?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (Next() is { } line)
                return line;
            if (!Filled(await input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false)))
                return End();
        }
    }

    /// <summary>A line from the buffer if one is complete (or too long); otherwise makes room for the next read.</summary>
    private Line? Next()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline < 0)
                break;
            var line = _buffer.AsMemory(_start, newline);
            _start += newline + 1;
            if (!_skipping)
                return newline <= maxLineBytes ? new Line(line, false) : new Line(line[..256].ToArray(), true);
            _skipping = false; // the end of a line already reported too long
        }

        if (_skipping)
            _start = _end;
        Compact();
        if (_end - _start < maxLineBytes)
            return null;
        var start = _buffer.AsSpan(_start, Math.Min(_end - _start, 256)).ToArray();
        _skipping = true;
        _start = _end = 0;
        return new Line(start, true);
    }

    private bool Filled(int read)
    {
        _end += read;
        return read > 0;
    }

    /// <summary>A last line without a newline is still returned; after it, end of input.</summary>
    private Line? End()
    {
        if (_skipping || _end == _start)
        {
            EndedInsideLine |= _skipping;
            return null;
        }

        EndedInsideLine = true;
        var rest = _buffer.AsMemory(_start, _end - _start);
        _start = _end;
        return new Line(rest, false);
    }

    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
    }
}
