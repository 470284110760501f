using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Workload;

/// <summary>
/// Deterministic record contents: random-looking bytes from (seed, batch, index), so a model of
/// millions of records costs a few bytes each, and a failure can show the expected bytes again.
/// Random contents also keep zero runs rare, which matters to engines that tell torn sectors by zeros.
/// </summary>
public sealed class Payloads(ulong seed)
{
    public ulong Seed { get; } = seed;

    public byte[] Bytes(RecordId id)
    {
        var bytes = new byte[id.Length];
        Fill(id, bytes);
        return bytes;
    }

    public bool Matches(RecordId id, ReadOnlySpan<byte> data)
    {
        if (data.Length != id.Length)
            return false;
        Span<byte> chunk = stackalloc byte[256];
        var random = new SplitMix(SplitMix.Hash(Seed, (ulong)id.Batch, (ulong)id.Index));
        for (var at = 0; at < data.Length; at += chunk.Length)
        {
            var part = chunk[..Math.Min(chunk.Length, data.Length - at)];
            Fill(random, part);
            if (!part.SequenceEqual(data.Slice(at, part.Length)))
                return false;
        }

        return true;
    }

    private void Fill(RecordId id, Span<byte> destination) => Fill(new SplitMix(SplitMix.Hash(Seed, (ulong)id.Batch, (ulong)id.Index)), destination);

    private static void Fill(SplitMix random, Span<byte> destination)
    {
        var i = 0;
        for (; i + 8 <= destination.Length; i += 8)
            BitConverter.TryWriteBytes(destination[i..], random.Next());
        if (i < destination.Length)
        {
            var last = BitConverter.GetBytes(random.Next());
            last.AsSpan(0, destination.Length - i).CopyTo(destination[i..]);
        }
    }
}
