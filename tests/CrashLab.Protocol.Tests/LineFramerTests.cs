using System.Text;
using FsCheck.Xunit;

namespace CrashLab.Protocol.Tests;

/// <summary>One framer for both sides: lines split on '\n', and an over-long line reported at once, never buffered whole.</summary>
public sealed class LineFramerTests
{
    [Fact]
    public void ReadLine_SeveralLines_ReturnsEachWithoutItsNewline()
    {
        var framer = Framer("a\nbc\n\nd", 100);

        Assert.Equal(["a", "bc", "", "d"], ReadAll(framer));
        Assert.True(framer.EndedInsideLine);
    }

    [Fact]
    public void ReadLine_LineOverTheLimit_IsReportedBeforeItsEndAndSkipped()
    {
        var framer = Framer(new string('x', 5000) + "\nnext\n", 1000);

        var first = framer.ReadLine()!.Value;

        Assert.True(first.TooLong);
        Assert.StartsWith("xxxx", Encoding.UTF8.GetString(first.Bytes.Span), StringComparison.Ordinal);
        Assert.Equal("next", Encoding.UTF8.GetString(framer.ReadLine()!.Value.Bytes.Span));
    }

    [Fact]
    public async Task ReadLineAsync_EndlessLineWithoutNewline_IsReportedWithoutWaitingForItsEnd()
    {
        var framer = new LineFramer(new EndlessStream(), 1 << 20);

        var line = await framer.ReadLineAsync();

        Assert.True(line!.Value.TooLong);
    }

    /// <summary>
    /// Lines longer than the first buffer (64 KiB) make the framer rent larger ones from the pool and
    /// give the smaller back; a second framer then starts on buffers the first gave back, holding its
    /// bytes. Every line must still read back byte for byte, whatever sizes the reads return.
    /// FsCheck prints the seed that failed.
    /// </summary>
    [Property(MaxTest = 30)]
    public void ReadLine_LongLinesInAnyChunks_ReadBackWholeThroughPooledBuffers(ulong seed)
    {
        var random = new Random((int)(seed ^ (seed >> 32)));
        for (var framerIndex = 0; framerIndex < 2; framerIndex++)
        {
            var lines = Enumerable.Range(0, 1 + random.Next(4))
                .Select(_ => Enumerable.Range(0, random.Next(300_000)).Select(_ => (byte)random.Next('a', 'z' + 1)).ToArray())
                .ToList();
            var stream = new ChunkedStream([.. lines.SelectMany(l => l.Append((byte)'\n'))], random);
            using var framer = new LineFramer(stream, 1 << 20);

            foreach (var expected in lines)
            {
                var line = framer.ReadLine();
                Assert.True(line is { TooLong: false }, $"seed {seed}: framer {framerIndex} lost a line");
                Assert.True(line.Value.Bytes.Span.SequenceEqual(expected), $"seed {seed}: framer {framerIndex} read a line of {line.Value.Bytes.Length} bytes, not its {expected.Length}");
            }

            Assert.Null(framer.ReadLine());
            Assert.False(framer.EndedInsideLine);
        }
    }

    private static LineFramer Framer(string text, int max) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)), max);

    private static List<string> ReadAll(LineFramer framer)
    {
        var lines = new List<string>();
        while (framer.ReadLine() is { } line)
            lines.Add(Encoding.UTF8.GetString(line.Bytes.Span));
        return lines;
    }

    /// <summary>A pipe's reads: each returns between 1 byte and 128 KiB of what is left.</summary>
    private sealed class ChunkedStream(byte[] data, Random random) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
            => base.Read(buffer, offset, Math.Min(count, 1 + random.Next(128 * 1024)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, 1 + random.Next(128 * 1024))], cancellationToken);
    }

    /// <summary>A writer that never ends its line.</summary>
    private sealed class EndlessStream : Stream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'A');
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
