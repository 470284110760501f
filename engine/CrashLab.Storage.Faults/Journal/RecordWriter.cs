using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>Builds one journal record in memory.</summary>
internal sealed class RecordWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64);

    public RecordWriter(RecordType type, long op)
    {
        _buffer.Write(stackalloc byte[4]);
        Byte((byte)type);
        Long(op);
    }

    public RecordWriter Long(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public RecordWriter Int(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public RecordWriter Byte(byte value)
    {
        _buffer.Write([value]);
        return this;
    }

    public RecordWriter Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Int(bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    public RecordWriter Bytes(ReadOnlySpan<byte> value)
    {
        Int(value.Length);
        _buffer.Write(value);
        return this;
    }

    public byte[] ToArray()
    {
        var record = _buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(record, record.Length);
        return record;
    }
}
