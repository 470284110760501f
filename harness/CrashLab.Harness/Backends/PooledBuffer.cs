using System.Buffers;

namespace CrashLab.Harness.Backends;

/// <summary>
/// A growable buffer whose arrays come from the shared pool and go back to it on dispose: what
/// the harness writes to a backend (request lines, the payloads an append carries) is megabytes a
/// state under a load of large records, and a fresh array for each is memory the kernel must
/// fault in and zero. Measured (perf, session 6, the Python example at L1): that zeroing was a
/// fifth of the harness's CPU. A pooled array is not cleared: only <see cref="Written"/> is ever read.
/// </summary>
public sealed class PooledBuffer(int initialBytes = 256) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(Math.Max(1, initialBytes));
    private int _written;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> Written => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _array.Length - _written)
            throw new InvalidOperationException($"advanced {count} bytes past the {_array.Length - _written} asked for");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint); // first: it may replace the array
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Room for <paramref name="sizeHint"/> more bytes (at least one), in a larger pooled array if need be.</summary>
    private void Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_array.Length == 0, this);
        var needed = Math.Max(1, sizeHint);
        if (_array.Length - _written < needed)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_written + needed, 2L * _array.Length)));
            _array.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }
    }

    public void Dispose()
    {
        if (_array.Length == 0)
            return;
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _written = 0;
    }
}
