using System.Buffers.Binary;

namespace CrashLab.Wal.Format;

/// <summary>
/// The checksummed header at offset 0 of every segment file. Frames start at <see cref="DataStart"/>.
/// A segment is renamed into place only after its header is durable, so an invalid header on a
/// segment the log needs is damage, and an all-zero one marks a segment recovery retired.
/// </summary>
internal readonly record struct SegmentHeader(ulong LogId, long SegmentNumber, long FirstLsn, long SegmentSize, long CommitLsn)
{
    public const int Size = 64;
    public const int DataStart = 4096;
    public const uint FormatVersion = 1;
    public const string RetiredProblem = "header is all zeros (retired segment)";
    private static readonly ulong Magic = BinaryPrimitives.ReadUInt64LittleEndian("CLWALSEG"u8);

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], DataStart);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], LogId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], SegmentNumber);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], FirstLsn);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], SegmentSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[48..], CommitLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[60..], Crc32C.Compute(destination[..60]));
    }

    /// <summary>Parses and verifies a header; null with a reason when it is not a valid one.</summary>
    public static SegmentHeader? TryRead(ReadOnlySpan<byte> source, out string? problem)
    {
        problem = null;
        if (source.Length < Size)
        {
            problem = "file shorter than a segment header";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[60..]) != Crc32C.Compute(source[..60]))
        {
            problem = source[..Size].IndexOfAnyExcept((byte)0) < 0 ? RetiredProblem : "header checksum mismatch";
            return null;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic)
            problem = "not a CrashLab WAL segment (bad magic)";
        else if (BinaryPrimitives.ReadUInt32LittleEndian(source[8..]) != FormatVersion)
            problem = $"unsupported format version {BinaryPrimitives.ReadUInt32LittleEndian(source[8..])}";
        else if (BinaryPrimitives.ReadUInt32LittleEndian(source[12..]) != DataStart)
            problem = "unexpected data offset";
        if (problem != null)
            return null;

        return new SegmentHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[48..]));
    }
}
