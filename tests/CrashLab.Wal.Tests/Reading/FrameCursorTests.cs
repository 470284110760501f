using CrashLab.Storage;
using CrashLab.Storage.Physical;
using CrashLab.Wal.Reading;
using FsCheck.Xunit;

namespace CrashLab.Wal.Tests.Reading;

/// <summary>
/// A cursor moved from segment to segment keeps its window's memory, and nothing else: it returns
/// the same bytes through the same reads (offset and length, the shim numbers them and read faults
/// strike by number) as a new cursor on each segment did.
/// </summary>
public sealed class FrameCursorTests
{
    [Property(MaxTest = 40)]
    public void MoveTo_AnySequenceOfLooks_ReadsAndReturnsWhatANewCursorWould(ulong seed)
    {
        var random = new Random((int)(seed ^ (seed >> 32)));
        using var dir = new TempDirectory();
        var lengths = new[] { 0, 100, 4096, 70_000, 300_000, 1 << 20, (1 << 20) + 5000 };
        var segments = Enumerable.Range(1, 4).Select(n =>
        {
            var bytes = new byte[lengths[random.Next(lengths.Length)]];
            random.NextBytes(bytes);
            var path = Path.Combine(dir.Path, $"{n}.wal");
            File.WriteAllBytes(path, bytes);
            return n;
        }).ToList();
        var movedReads = new List<(string, long, int)>();
        var freshReads = new List<(string, long, int)>();
        var moved = Open(dir.Path, segments, movedReads);
        var fresh = Open(dir.Path, segments, freshReads);
        FrameCursor? cursor = null, newCursor = null;
        var current = -1;
        try
        {
            for (var look = 0; look < 30; look++)
            {
                if (current < 0 || random.Next(4) == 0)
                {
                    current = random.Next(segments.Count);
                    cursor = cursor == null ? new FrameCursor(moved[current], new WalOptions()) : cursor.MoveTo(moved[current]);
                    newCursor = new FrameCursor(fresh[current], new WalOptions());
                }

                var length = moved[current].File.Length;
                var offset = (long)random.Next((int)Math.Max(1, length + 10));
                var count = random.Next(3) == 0 ? random.Next(1, 1_500_000) : random.Next(1, 9000);

                Assert.True(cursor!.Bytes(offset, count).SequenceEqual(newCursor!.Bytes(offset, count)), $"bytes at {offset}+{count} of segment {current + 1}");
                Assert.Equal(freshReads, movedReads);
                Assert.Equal(newCursor.FileLength, cursor.FileLength);
            }
        }
        finally
        {
            foreach (var segment in moved.Concat(fresh))
                segment.Dispose();
        }
    }

    private static List<Segment> Open(string dir, List<int> numbers, List<(string, long, int)> reads)
        => [.. numbers.Select(n => new Segment(n, 1, 4 << 20, 7, new RecordingFile(PhysicalFileSystem.Instance.Open(Path.Combine(dir, $"{n}.wal"), OpenMode.OpenExisting), reads)))];

    /// <summary>Notes each read's file, offset and length.</summary>
    private sealed class RecordingFile(IStorageFile inner, List<(string, long, int)> reads) : IStorageFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer)
        {
            reads.Add((System.IO.Path.GetFileName(inner.Path), offset, buffer.Length));
            return inner.Read(offset, buffer);
        }

        public void Write(long offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);

        public void SetLength(long length) => inner.SetLength(length);

        public void Preallocate(long length) => inner.Preallocate(length);

        public void DataSync() => inner.DataSync();

        public void Sync() => inner.Sync();

        public void Dispose() => inner.Dispose();
    }
}
