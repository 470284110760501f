using System.Buffers.Binary;

namespace CrashLab.Fuse.Kernel;

/// <summary>One request from the kernel: fuse_in_header and the opcode's body.</summary>
internal readonly record struct FuseRequest(FuseOpcode Opcode, ulong Unique, ulong NodeId, uint Uid, uint Gid, uint Pid, ReadOnlyMemory<byte> Body)
{
    public static FuseRequest Parse(ReadOnlyMemory<byte> message)
    {
        var header = message.Span;
        if (header.Length < FuseFlags.InHeaderSize)
            throw new InvalidDataException($"a FUSE request of {header.Length} bytes is shorter than its header");
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
        return new FuseRequest(
            (FuseOpcode)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[28..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[32..]),
            message[FuseFlags.InHeaderSize..Math.Min(length, message.Length)]);
    }

    public BodyReader Reader() => new(Body.Span);
}

/// <summary>Reads a request body field by field, little-endian, as the kernel lays it out.</summary>
internal ref struct BodyReader(ReadOnlySpan<byte> body)
{
    private readonly ReadOnlySpan<byte> _body = body;
    private int _at;

    public uint U32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_body[_at..]);
        _at += 4;
        return value;
    }

    public ulong U64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_body[_at..]);
        _at += 8;
        return value;
    }

    public void Skip(int bytes) => _at += bytes;

    /// <summary>A NUL-terminated name.</summary>
    public string Name()
    {
        var rest = _body[_at..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
            end = rest.Length;
        _at += Math.Min(rest.Length, end + 1);
        return System.Text.Encoding.UTF8.GetString(rest[..end]);
    }

    public readonly ReadOnlySpan<byte> Rest(int length) => _body.Slice(_at, Math.Min(length, _body.Length - _at));
}
