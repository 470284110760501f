using System.Buffers;

namespace CrashLab.Protocol;

/// <summary>
/// The one line framer of protocol v1: splits a byte stream into '\n'-terminated lines without
/// decoding them. A line longer than the limit is reported (with its first bytes) as soon as it
/// passes the limit, and the rest of it is skipped, so the other side cannot make the reader
/// buffer without bound, nor hold it waiting for a newline that never comes.
/// The buffer comes from <see cref="ArrayPool{T}.Shared"/>, and so does each larger one a long line
/// needs, given back on <see cref="Dispose"/>: the harness starts a backend per crash state and reads
/// its log back as lines of about 1.4 MB, and a fresh buffer grown by doubling to 2 MiB for each
/// was 4 MiB of large-object allocations per state (a gen-2 collection nearly every state). A
/// line's bytes are the buffer's: valid until the next read or <see cref="Dispose"/>.
/// </summary>
public sealed class LineFramer(Stream input, int maxLineBytes) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
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
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }

    /// <summary>Gives the buffer back to the pool; the framer must not be read after.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
