using System.IO.Hashing;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// A recovered record reduced to what matching needs: its length and a 128-bit hash of its bytes
/// (so a tail of 16 MiB records is not held in memory), plus the abbreviation a message shows.
/// Identity is all it needs (the harness chose the bytes), so XxHash128 rather than a cryptographic hash.
/// </summary>
public readonly record struct RecordDigest(int Length, UInt128 Hash)
{
    public static RecordDigest Of(ReadOnlySpan<byte> data) => new(data.Length, XxHash128.HashToUInt128(data));
}
