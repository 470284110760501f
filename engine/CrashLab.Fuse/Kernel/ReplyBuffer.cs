using System.Buffers.Binary;

namespace CrashLab.Fuse.Kernel;

/// <summary>Builds one reply: fuse_out_header, then the fields appended in order.</summary>
internal sealed class ReplyBuffer
{
    private byte[] _buffer = new byte[FuseFlags.MaxWrite + 4096];
    private int _length;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public ReplyBuffer Start(ulong unique, int error = 0)
    {
        _length = FuseFlags.OutHeaderSize;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(4), error);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(8), unique);
        return this;
    }

    public ReplyBuffer U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);
        return this;
    }

    public ReplyBuffer U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);
        return this;
    }

    public ReplyBuffer U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);
        return this;
    }

    public ReplyBuffer Zeros(int count)
    {
        Take(count).Clear();
        return this;
    }

    /// <summary>Room for <paramref name="count"/> bytes the caller fills in place.</summary>
    public Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Gives back the unused end of the last <see cref="Take"/> (a short read).</summary>
    public void Shrink(int count) => _length -= count;

    public int Length => _length;

    /// <summary>Writes the total length into the header; the buffer is then ready to send.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        return Bytes;
    }
}
