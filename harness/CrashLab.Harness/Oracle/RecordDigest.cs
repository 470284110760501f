using System.Security.Cryptography;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// A recovered record reduced to what matching needs: its length and a 128-bit hash of its bytes
/// (so a tail of 16 MiB records is not held in memory), plus the abbreviation a message shows.
/// </summary>
public readonly record struct RecordDigest(int Length, UInt128 Hash)
{
    public static RecordDigest Of(ReadOnlySpan<byte> data)
    {
        Span<byte> sha = stackalloc byte[32];
        SHA256.HashData(data, sha);
        return new RecordDigest(data.Length, new UInt128(BitConverter.ToUInt64(sha), BitConverter.ToUInt64(sha[8..])));
    }
}
