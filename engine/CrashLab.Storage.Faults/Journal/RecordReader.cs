using System.Buffers.Binary;
using System.Text;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>Reads the fields of one journal record, in the order <see cref="RecordWriter"/> wrote them.</summary>
internal ref struct RecordReader(ReadOnlySpan<byte> fields)
{
    private ReadOnlySpan<byte> _rest = fields;

    public long Long()
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(_rest);
        _rest = _rest[8..];
        return value;
    }

    public int Int()
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(_rest);
        _rest = _rest[4..];
        return value;
    }

    public byte Byte()
    {
        var value = _rest[0];
        _rest = _rest[1..];
        return value;
    }

    public string Text() => Encoding.UTF8.GetString(Bytes());

    public ReadOnlySpan<byte> Bytes()
    {
        var length = Int();
        var value = _rest[..length];
        _rest = _rest[length..];
        return value;
    }
}
