using System.Text;

namespace CrashLab.Protocol.Tests;

/// <summary>Strict reading of what a backend writes: every mistake is named, field by field.</summary>
public sealed class BackendLineParserTests
{
    [Theory]
    [InlineData("""{"id":1,"junk":2}""", "lacks \"ok\"")]
    [InlineData("""{"id":1,"ok":"yes"}""", "has \"ok\": \"yes\", not true or false")]
    [InlineData("""{"id":1,"ok":true,"first_lsn":1}""", "lacks the field \"last_lsn\"")]
    [InlineData("""{"id":1,"ok":true,"first_lsn":"1","last_lsn":1}""", "has \"first_lsn\": \"1\", not an integer")]
    [InlineData("""{"id":1,"ok":true,"first_lsn":1e30,"last_lsn":1}""", "has \"first_lsn\": 1e30, not an integer")]
    [InlineData("""{"id":1,"ok":false,"error":"oops"}""", "unknown error code \"oops\"")]
    public void ParseReply_BrokenAppendReply_NamesTheField(string line, string expected)
    {
        var answer = Assert.IsType<BackendLine.Answer>(BackendLineParser.Parse(Bytes(line)));

        var error = Assert.Throws<ProtocolException>(() => BackendLineParser.ParseReply(1, answer.Body, new AppendRequest([], Sync: false)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseReply_SyncAppendWithoutDurableLsn_NamesTheField()
    {
        var answer = (BackendLine.Answer)BackendLineParser.Parse(Bytes("""{"id":4,"ok":true,"first_lsn":1,"last_lsn":1}"""));

        var error = Assert.Throws<ProtocolException>(() => BackendLineParser.ParseReply(4, answer.Body, new AppendRequest([], Sync: true)));

        Assert.Contains("\"durable_lsn\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":1,"corruption":5}""", "\"corruption\" is 5, not a JSON object")]
    [InlineData("""{"event":"ready","protocol":2,"first_lsn":1,"next_lsn":1}""", "speaks protocol 2")]
    [InlineData("""{"event":"ready","protocol":1,"first_lsn":1}""", "lacks the field \"next_lsn\"")]
    [InlineData("""{"event":"ready","protocol":1,"first_lsn":3,"next_lsn":1}""", "first_lsn 3 and next_lsn 1")]
    [InlineData("""{"event":"started"}""", "unknown event \"started\"")]
    [InlineData("""{"id":1,"ok":true} trailing""", "not JSON")]
    [InlineData("""[1,2]""", "not an object")]
    [InlineData("""{"ok":true}""", "without an integer \"id\"")]
    public void Parse_BrokenLine_SaysWhatIsWrong(string line, string expected)
    {
        var error = Assert.Throws<ProtocolException>(() => BackendLineParser.Parse(Bytes(line)));
        var inPlace = Assert.Throws<ProtocolException>(() => BackendLineParser.ParseInPlace(Bytes(line), out _));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, inPlace.Message);
    }

    [Fact]
    public void Parse_WhatTheWritersWrite_ReadsBackTheSameMessages()
    {
        var ready = new ReadyEvent(3, 9, 7, "torn \"frame\"", "my-wal/1");
        var stat = new StatReply(3, 9, 8) { Id = 5 };

        var readBack = Assert.IsType<BackendLine.Ready>(BackendLineParser.Parse(EventWriter.Line(ready).AsMemory()[..^1]));
        var answer = Assert.IsType<BackendLine.Answer>(BackendLineParser.Parse(ProtocolWriter.Line(stat).AsMemory()[..^1]));

        Assert.Equal(ready, readBack.Event);
        Assert.Equal(stat, BackendLineParser.ParseReply(5, answer.Body, new StatRequest()));
    }

    [Fact]
    public void Parse_ReadReplyFromTheWriter_KeepsRecordBytes()
    {
        var reply = new ReadReply([new ReadRecord(1, new byte[] { 0, 255 }), new ReadRecord(2, Array.Empty<byte>())], 3) { Id = 2 };

        var answer = (BackendLine.Answer)BackendLineParser.Parse(ProtocolWriter.Line(reply).AsMemory()[..^1]);
        var parsed = Assert.IsType<ReadReply>(BackendLineParser.ParseReply(2, answer.Body, new ReadRequest(1)));

        Assert.Equal([1L, 2L], parsed.Records.Select(r => r.Lsn));
        Assert.Equal(new byte[] { 0, 255 }, parsed.Records[0].Data.ToArray());
        Assert.Equal(3, parsed.NextLsn);
    }

    /// <summary>
    /// A reply parsed in place reads the line's own memory: what ParseReply returns must be copied
    /// out of it, so the records stay whole once the document is released and the buffer reused.
    /// </summary>
    [Fact]
    public void ParseInPlace_ReadReply_RecordsOutliveTheDocumentAndTheBuffer()
    {
        var data = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        var reply = new ReadReply([new ReadRecord(4, data), new ReadRecord(5, new byte[] { 7 })], 6) { Id = 9 };
        var buffer = ProtocolWriter.Line(reply);

        var answer = Assert.IsType<BackendLine.Answer>(BackendLineParser.ParseInPlace(buffer.AsMemory()[..^1], out var document));
        var parsed = Assert.IsType<ReadReply>(BackendLineParser.ParseReply(9, answer.Body, new ReadRequest(4)));
        document.Dispose();
        Array.Fill(buffer, (byte)'x');

        Assert.Equal([4L, 5L], parsed.Records.Select(r => r.Lsn));
        Assert.Equal(data, parsed.Records[0].Data.ToArray());
        Assert.Equal(new byte[] { 7 }, parsed.Records[1].Data.ToArray());
        Assert.Equal(6, parsed.NextLsn);
    }

    private static ReadOnlyMemory<byte> Bytes(string line) => Encoding.UTF8.GetBytes(line);
}
