using System.Buffers;
using CrashLab.Wal.Format;

namespace CrashLab.Wal.Writing;

/// <summary>
/// Encoded frames not yet handed to the OS, as one contiguous chunk per segment. The flush leader
/// takes them all at once, seals them, and writes a whole group in one pwrite per segment.
/// </summary>
internal sealed class PendingWrites
{
    private List<Chunk> _chunks = [];

    public sealed class Chunk(Segment segment, long offset, int capacity)
    {
        public Segment Segment { get; } = segment;

        public long Offset { get; } = offset;

        public byte[] Buffer { get; private set; } = ArrayPool<byte>.Shared.Rent(capacity);

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);

        public Span<byte> Reserve(int count)
        {
            if (Length + count > Buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Buffer.Length * 2, Length + count));
                Buffer.AsSpan(0, Length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(Buffer);
                Buffer = bigger;
            }

            var span = Buffer.AsSpan(Length, count);
            Length += count;
            return span;
        }

        /// <summary>
        /// Seals every frame of the chunk (see <see cref="FrameHeader.Seal"/>) with the durable LSN
        /// as the chunk goes to the file. Stamped at encoding instead, a batch encoded while the
        /// previous group's fdatasync was under way would be written after that group was
        /// acknowledged yet deny it: if the group's write went astray, recovery would take its
        /// zeros for a torn tail and cut acknowledged records silently. <paramref name="afterDurable"/>:
        /// the chunk opens the group and all the log before it is durable (its first frame says so).
        /// </summary>
        public void Seal(long durableLsn, bool afterDurable)
        {
            var frames = Buffer.AsSpan(0, Length);
            for (var at = 0; at < frames.Length; at += FrameHeader.FrameSize(FrameHeader.LengthOf(frames[at..])))
                FrameHeader.Seal(frames[at..], Segment.Salt, durableLsn, afterDurable && at == 0);
        }

        public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    public long Bytes { get; private set; }

    /// <summary>Space for <paramref name="count"/> bytes at <paramref name="offset"/> of <paramref name="segment"/>, which must follow what is pending there.</summary>
    public Span<byte> Reserve(Segment segment, long offset, int count)
    {
        var last = _chunks.Count > 0 ? _chunks[^1] : null;
        if (last == null || !ReferenceEquals(last.Segment, segment) || last.Offset + last.Length != offset)
        {
            last = new Chunk(segment, offset, Math.Max(count, 64 << 10));
            _chunks.Add(last);
        }

        Bytes += count;
        return last.Reserve(count);
    }

    public List<Chunk> TakeAll()
    {
        var taken = _chunks;
        _chunks = [];
        Bytes = 0;
        return taken;
    }

    public void Discard()
    {
        foreach (var chunk in TakeAll())
            chunk.Release();
    }
}
