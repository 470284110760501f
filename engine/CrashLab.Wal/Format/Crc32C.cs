using System.Buffers.Binary;
using System.Numerics;

namespace CrashLab.Wal.Format;

/// <summary>
/// CRC32C (Castagnoli) on the hardware instruction. BitOperations.Crc32C is the raw step with no
/// initial or final inversion; without them a run of zeros checksums to zero, which would let
/// preallocated zero space pass as a valid frame.
/// </summary>
internal static class Crc32C
{
    public const uint Initial = 0xFFFFFFFF;

    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }

        foreach (var b in data)
            state = BitOperations.Crc32C(state, b);
        return state;
    }

    public static uint Append(uint state, ulong value) => BitOperations.Crc32C(state, value);

    public static uint Finish(uint state) => ~state;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));
}
