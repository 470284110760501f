using System.Buffers.Binary;
using System.IO.Hashing;

namespace Acme.Ledger;

/// <summary>
/// One record on disk: length u32 | crc u32 | lsn u64 | payload (little endian). The top bit of
/// the length word says "more records of this batch follow": recovery keeps a batch only whole.
/// The CRC-32 covers the LSN, the length word and the payload, so a torn or stale frame never passes.
/// </summary>
internal static class RecordFrame
{
    public const int HeaderBytes = 16;
    private const uint BatchContinues = 0x8000_0000;

    public static byte[] Encode(long lsn, ReadOnlySpan<byte> payload, bool batchEnd)
    {
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length | (batchEnd ? 0 : BatchContinues));
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(8), lsn);
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Checksum(frame));
        return frame;
    }

    /// <summary>Parses the frame at <paramref name="offset"/>; false at the end of the valid log (torn, stale or out of sequence).</summary>
    public static bool TryRead(ReadOnlySpan<byte> file, int offset, long expectedLsn, out byte[] payload, out int frameBytes, out bool batchEnd)
    {
        (payload, frameBytes, batchEnd) = ([], 0, false);
        if (file.Length - offset < HeaderBytes)
            return false;
        var frame = file[offset..];
        var word = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        var length = word & ~BatchContinues;
        if (length > frame.Length - HeaderBytes || BinaryPrimitives.ReadInt64LittleEndian(frame[8..]) != expectedLsn)
            return false;
        frame = frame[..(HeaderBytes + (int)length)];
        if (BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) != Checksum(frame))
            return false;
        (payload, frameBytes, batchEnd) = (frame[HeaderBytes..].ToArray(), frame.Length, (word & BatchContinues) == 0);
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> frame)
    {
        var crc = new Crc32();
        crc.Append(frame[..4]);
        crc.Append(frame[8..]);
        return crc.GetCurrentHashAsUInt32();
    }
}
