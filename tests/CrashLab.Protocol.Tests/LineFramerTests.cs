using System.Text;

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

    private static LineFramer Framer(string text, int max) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)), max);

    private static List<string> ReadAll(LineFramer framer)
    {
        var lines = new List<string>();
        while (framer.ReadLine() is { } line)
            lines.Add(Encoding.UTF8.GetString(line.Bytes.Span));
        return lines;
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
