using System.Buffers.Binary;

namespace CrashLab.Wal.Format;

/// <summary>
/// The 32-byte header in front of every frame. It binds the frame to its LSN, its batch and its
/// place (the offset field, and the segment number and log id folded into the CRC seed), so that a
/// stale frame from an earlier life of the file, or a write that landed at the wrong offset,
/// never passes as the frame recovery expects there.
/// </summary>
/// <remarks>
/// Layout (little endian): crc u32 | length u32 | lsn u64 | offset u32 | recordOffset u32 |
/// commitGap u32 | kind u8 | flags u8 | reserved u16. The CRC covers bytes 4..31 and the payload.
/// commitGap = lsn - (durable LSN when the frame was written); 0 means unknown. It lets recovery
/// prove that a damaged frame had been acknowledged durable (media damage, not a torn tail).
/// </remarks>
internal readonly record struct FrameHeader(
    uint Length,
    long Lsn,
    uint Offset,
    uint RecordOffset,
    uint CommitGap,
    FrameKind Kind,
    FrameFlags Flags)
{
    public const int Size = 32;

    public bool IsBatchEnd => (Flags & FrameFlags.BatchEnd) != 0;

    public bool IsRecordStart => Kind is FrameKind.Full or FrameKind.First;

    public bool IsRecordEnd => Kind is FrameKind.Full or FrameKind.Last;

    public bool IsRecordFragment => Kind is >= FrameKind.Full and <= FrameKind.Last;

    /// <summary>The durable LSN the writer knew of; 0 when unknown.</summary>
    public long CommitLsn => CommitGap == 0 ? 0 : Lsn - CommitGap;

    public static int FrameSize(int payloadLength) => Size + Align8(payloadLength);

    public static int Align8(int n) => (n + 7) & ~7;

    public static uint GapFor(long lsn, long durableLsn)
    {
        var gap = lsn - durableLsn;
        return gap is > 0 and < uint.MaxValue ? (uint)gap : 0;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Lsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], RecordOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], CommitGap);
        destination[28] = (byte)Kind;
        destination[29] = (byte)Flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[30..], 0);
    }

    /// <summary>Parses the fields; says nothing about validity (see <see cref="FrameCursor"/>).</summary>
    public static FrameHeader Read(ReadOnlySpan<byte> source, out uint crc, out ushort reserved)
    {
        crc = BinaryPrimitives.ReadUInt32LittleEndian(source);
        reserved = BinaryPrimitives.ReadUInt16LittleEndian(source[30..]);
        return new FrameHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
            (FrameKind)source[28],
            (FrameFlags)source[29]);
    }

    /// <summary>Computes the CRC of a frame whose header fields are already in place.</summary>
    public static uint ComputeCrc(uint segmentSeed, ReadOnlySpan<byte> headerAndPayload)
        => Crc32C.Finish(Crc32C.Append(segmentSeed, headerAndPayload[4..]));

    /// <summary>The CRC state after folding in the log id and segment number: frames are only valid in their own segment.</summary>
    public static uint SeedFor(ulong logId, long segmentNumber)
        => Crc32C.Append(Crc32C.Append(Crc32C.Initial, logId), (ulong)segmentNumber);
}
