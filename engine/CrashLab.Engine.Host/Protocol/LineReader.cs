namespace CrashLab.Engine.Host.Protocol;

/// <summary>
/// Splits a byte stream into '\n'-terminated lines without decoding them. Over-long lines are
/// skipped whole and reported, so one bad request cannot make the backend run out of memory.
/// </summary>
internal sealed class LineReader(Stream input, int maxLineBytes)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _skipping;

    /// <summary>True when a whole line is already buffered, so the next read will not block.</summary>
    public bool HasBufferedLine => _buffer.AsSpan(_start, _end - _start).Contains((byte)'\n');

    /// <summary>The next line (without the newline), an empty result for an over-long line, or null at end of input.</summary>
    public ReadOnlyMemory<byte>? ReadLine(Action beforeBlocking, out bool tooLong)
    {
        tooLong = false;
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline);
                _start += newline + 1;
                if (!_skipping)
                    return line;
                _skipping = false;
                tooLong = true;
                return ReadOnlyMemory<byte>.Empty;
            }

            if (_skipping)
                _start = _end;
            Compact();
            if (_end - _start >= maxLineBytes)
            {
                _skipping = true;
                _start = _end = 0;
            }

            beforeBlocking();
            var read = input.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
                return TakeUnterminatedRest();
            _end += read;
        }
    }

    /// <summary>A last line without a newline still counts; after it, end of input.</summary>
    private ReadOnlyMemory<byte>? TakeUnterminatedRest()
    {
        if (_skipping || _end == _start)
            return null;
        var rest = _buffer.AsMemory(_start, _end - _start);
        _start = _end;
        return rest;
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
