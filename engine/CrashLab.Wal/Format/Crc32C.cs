using System.Buffers.Binary;
using System.IO.Hashing;

namespace CrashLab.Wal.Format;

/// <summary>
/// CRC-32C (Castagnoli) as the format uses it, computed by System.IO.Hashing (hardware-accelerated,
/// with the standard initial value and final inversion: a run of zeros does not checksum to zero,
/// so preallocated zero space never passes as a valid frame).
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>
    /// The CRC of <paramref name="data"/> salted with two 64-bit values (little endian, in front):
    /// a frame header's CRC covers the log id and segment number it belongs to without storing them.
    /// </summary>
    public static uint Salted(ulong first, ulong second, ReadOnlySpan<byte> data)
    {
        const int SaltBytes = 16;
        Span<byte> buffer = data.Length <= 256 ? stackalloc byte[SaltBytes + data.Length] : new byte[SaltBytes + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, first);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[8..], second);
        data.CopyTo(buffer[SaltBytes..]);
        return Compute(buffer);
    }
}
