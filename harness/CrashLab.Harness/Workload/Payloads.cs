using System.Runtime.InteropServices;
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

    /// <summary>The record's bytes into <paramref name="destination"/>, exactly <paramref name="id"/>'s length of it (a pooled buffer: no array per record).</summary>
    public void Write(RecordId id, Span<byte> destination) => Fill(id, destination[..id.Length]);

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

    /// <summary>
    /// One 8-byte word of the generator after another, in the machine's byte order (as
    /// BitConverter writes them); the last word cut to what is left. Written as words, not through
    /// a span slice per 8 bytes: a load of 16 MiB records makes and compares megabytes a run.
    /// </summary>
    private static void Fill(SplitMix random, Span<byte> destination)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (var w = 0; w < words.Length; w++)
            words[w] = random.Next();
        var rest = destination[(words.Length * sizeof(ulong))..];
        if (!rest.IsEmpty)
        {
            Span<byte> last = stackalloc byte[sizeof(ulong)];
            MemoryMarshal.Write(last, random.Next());
            last[..rest.Length].CopyTo(rest);
        }
    }
}
