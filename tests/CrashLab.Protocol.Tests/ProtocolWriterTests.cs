using System.Runtime.InteropServices;
using FsCheck.Xunit;

namespace CrashLab.Protocol.Tests;

/// <summary>The one writer of protocol lines: a reply's line is whole, reads back the same, and is built in one buffer.</summary>
public sealed class ProtocolWriterTests
{
    /// <summary>
    /// Read replies of any shape (empty records, records of a few bytes, of many KiB, a 1 MiB
    /// one): the line is one JSON object and a newline, it reads back the records byte for byte,
    /// and the buffer it was written in is the one sized for it before writing (it never grew).
    /// </summary>
    [Property(MaxTest = 60)]
    public void ReplyLine_ReadReply_ReadsBackWholeFromTheBufferSizedForIt(ulong seed)
    {
        var random = new Random((int)(seed ^ (seed >> 32)));
        var sizes = new[] { 0, 1, 2, 3, 57, 4096, 7300, 65_536, 1 << 20 };
        var records = Enumerable.Range(0, random.Next(1, 40))
            .Select(i => new ReadRecord(10 + i, Payload(random, random.Next(4) == 0 ? sizes[random.Next(sizes.Length)] : random.Next(0, 20_000))))
            .ToList();
        var reply = new ReadReply(records, 10 + records.Count) { Id = 7 };

        var line = ProtocolWriter.ReplyLine(reply);

        Assert.Equal((byte)'\n', line.Span[^1]);
        Assert.Equal(-1, line.Span[..^1].IndexOf((byte)'\n'));
        Assert.True(MemoryMarshal.TryGetArray(line, out var buffer));
        Assert.Equal(ProtocolWriter.Capacity(reply), buffer.Array!.Length);
        var answer = Assert.IsType<BackendLine.Answer>(BackendLineParser.Parse(line[..^1]));
        var parsed = Assert.IsType<ReadReply>(BackendLineParser.ParseReply(7, answer.Body, new ReadRequest(10)));
        Assert.Equal(records.Select(r => r.Lsn), parsed.Records.Select(r => r.Lsn));
        Assert.All(records.Zip(parsed.Records), pair => Assert.True(pair.First.Data.Span.SequenceEqual(pair.Second.Data.Span)));
        Assert.Equal(reply.NextLsn, parsed.NextLsn);
    }

    [Fact]
    public void Line_Reply_IsTheReplyLineCopiedExactly()
    {
        var reply = new ReadReply([new ReadRecord(1, new byte[] { 1, 2, 3 })], 2) { Id = 3 };

        Assert.Equal(ProtocolWriter.ReplyLine(reply).ToArray(), ProtocolWriter.Line(reply));
        Assert.Equal("{\"id\":3,\"ok\":true,\"records\":[{\"lsn\":1,\"data\":\"AQID\"}],\"next_lsn\":2}\n", System.Text.Encoding.UTF8.GetString(ProtocolWriter.Line(reply)));
    }

    [Fact]
    public void Line_AppendRequest_CarriesItsRecordsAsBase64()
    {
        var big = Payload(new Random(5), 1 << 20);
        var line = ProtocolWriter.Line(new AppendRequest([big, new byte[] { 9 }], Sync: true) { Id = 4 });

        var parsed = Assert.IsType<AppendRequest>(RequestParser.Parse(line.AsMemory()[..^1]));
        Assert.True(parsed.Records[0].Span.SequenceEqual(big));
        Assert.Equal(new byte[] { 9 }, parsed.Records[1].ToArray());
        Assert.Equal(-1, line.AsSpan(0, line.Length - 1).IndexOf((byte)'\n'));
    }

    private static byte[] Payload(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
