using System.Buffers.Binary;

namespace CrashLab.Wal.Format;

/// <summary>
/// The 32-byte header in front of every frame. It binds the frame to its LSN, its batch and its
/// place (the offset field, plus the segment number and log id folded into the header CRC), so
/// that a stale frame from an earlier life of the file, or a write that landed at the wrong
/// offset, never passes as the frame recovery expects there.
/// </summary>
/// <remarks>
/// Layout (little endian): headerCrc u32 | payloadCrc u32 | lsn u64 | offset u32 | length u32 |
/// commitGap u32 | packed u32 (recordOffset: 24 bits, kind: 4 bits, flags: 4 bits).
/// The header has its own CRC so that, once it verifies, its length can be trusted when telling a
/// torn payload from a damaged one. commitGap = lsn - (durable LSN when the frame was handed to the
/// file, not when it was encoded), 0 = unknown: it lets recovery prove that a damaged frame had
/// been acknowledged durable.
/// </remarks>
internal readonly record struct FrameHeader(
    uint PayloadCrc,
    long Lsn,
    uint Offset,
    uint Length,
    uint CommitGap,
    uint RecordOffset,
    FrameKind Kind,
    FrameFlags Flags)
{
    public const int Size = 32;

    public bool IsBatchEnd => (Flags & FrameFlags.BatchEnd) != 0;

    /// <summary>Whether the writer knew every byte of the log before this frame to be durable.</summary>
    public bool IsAfterDurable => (Flags & FrameFlags.AfterDurable) != 0;

    public bool IsRecordFragment => Kind is >= FrameKind.Full and <= FrameKind.Last;

    public bool HasKnownKind => Kind is >= FrameKind.Full and <= FrameKind.Truncate;

    /// <summary>The durable LSN the writer knew of; 0 when unknown.</summary>
    public long CommitLsn => CommitGap == 0 ? 0 : Lsn - CommitGap;

    public int FrameSize() => FrameSize((int)Math.Min(Length, int.MaxValue - 64));

    public static int FrameSize(int payloadLength) => Size + Align8(payloadLength);

    public static int Align8(int n) => (n + 7) & ~7;

    public static uint GapFor(long lsn, long durableLsn)
    {
        var gap = lsn - durableLsn;
        return gap is > 0 and < uint.MaxValue ? (uint)gap : 0;
    }

    /// <summary>
    /// Writes every field but the header CRC; <see cref="Seal"/> adds it. The writer seals a frame
    /// only when handing it to the file, so the commit gap it seals is the durable LSN at that moment.
    /// </summary>
    public void WriteUnsealed(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], PayloadCrc);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Lsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], CommitGap);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], (RecordOffset & 0xFFFFFF) | ((uint)Kind << 24) | ((uint)Flags << 28));
    }

    /// <summary>
    /// Stamps an unsealed header with the commit gap for <paramref name="durableLsn"/> (what is
    /// durable as the frame is written), <see cref="FrameFlags.AfterDurable"/> when
    /// <paramref name="afterDurable"/>, and then its CRC, salted with <paramref name="salt"/>.
    /// </summary>
    public static void Seal(Span<byte> header, FrameSalt salt, long durableLsn, bool afterDurable)
    {
        var lsn = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], GapFor(lsn, durableLsn));
        if (afterDurable)
        {
            var packed = BinaryPrimitives.ReadUInt32LittleEndian(header[28..]);
            BinaryPrimitives.WriteUInt32LittleEndian(header[28..], packed | ((uint)FrameFlags.AfterDurable << 28));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header, HeaderCrc(salt, header));
    }

    /// <summary>The payload length field of a header (sealed or not), to step from frame to frame.</summary>
    public static int LengthOf(ReadOnlySpan<byte> header) => (int)BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);

    /// <summary>Parses the header; false when its CRC does not verify (then the fields mean nothing).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, FrameSalt salt, out FrameHeader header)
    {
        var packed = BinaryPrimitives.ReadUInt32LittleEndian(source[28..]);
        header = new FrameHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
            packed & 0xFFFFFF,
            (FrameKind)((packed >> 24) & 0xF),
            (FrameFlags)(packed >> 28));
        return BinaryPrimitives.ReadUInt32LittleEndian(source) == HeaderCrc(salt, source);
    }

    public static uint PayloadCrcOf(ReadOnlySpan<byte> payload) => Crc32C.Compute(payload);

    private static uint HeaderCrc(FrameSalt salt, ReadOnlySpan<byte> header)
        => Crc32C.Salted(salt.LogId, (ulong)salt.SegmentNumber, header[4..Size]);
}
