using System.Text;

namespace CrashLab.Protocol.Tests;

/// <summary>The backend side of the strict parser: every malformed request gets an answer that says why.</summary>
public sealed class RequestParserTests
{
    [Theory]
    [InlineData("garbage", 0, "bad_request")]
    [InlineData("", 0, "bad_request")]
    [InlineData("[1,2]", 0, "bad_request")]
    [InlineData("{\"op\":\"stat\"}", 0, "bad_request")]
    [InlineData("{\"id\":-3,\"op\":\"stat\"}", 0, "bad_request")]
    [InlineData("{\"id\":\"7\",\"op\":\"stat\"}", 0, "bad_request")]
    [InlineData("{\"id\":1.5,\"op\":\"stat\"}", 0, "bad_request")]
    [InlineData("{\"id\":7}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":3}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"compact\"}", 7, "unsupported")]
    [InlineData("{\"id\":7,\"op\":\"append\"}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"append\",\"records\":[]}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"append\",\"records\":[\"not base64!\"]}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"append\",\"records\":[12]}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"append\",\"records\":[\"aGk=\"],\"sync\":\"yes\"}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"truncate\"}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"read\",\"from_lsn\":-1}", 7, "bad_request")]
    [InlineData("{\"id\":7,\"op\":\"read\",\"from_lsn\":1,\"max_records\":\"ten\"}", 7, "bad_request")]
    public void Parse_MalformedLine_IsInvalidWithTheIdItCouldRead(string line, long id, string error)
    {
        var request = Assert.IsType<InvalidRequest>(RequestParser.Parse(Encoding.UTF8.GetBytes(line)));

        Assert.Equal(id, request.Id);
        Assert.Equal(error, request.Error);
        Assert.False(string.IsNullOrWhiteSpace(request.Message));
    }

    [Fact]
    public void Parse_Append_DecodesRecordsAndSync()
    {
        var request = RequestParser.Parse("{\"id\":7,\"op\":\"append\",\"records\":[\"aGVsbG8=\",\"\"],\"sync\":true,\"extra\":1}"u8.ToArray());

        var append = Assert.IsType<AppendRequest>(request);
        Assert.True(append.Sync);
        Assert.Equal("hello"u8.ToArray(), append.Records[0].ToArray());
        Assert.Equal(0, append.Records[1].Length);
    }

    [Fact]
    public void Parse_ReadWithoutLimits_UsesDefaults()
    {
        var read = Assert.IsType<ReadRequest>(RequestParser.Parse("{\"id\":1,\"op\":\"read\",\"from_lsn\":40}"u8.ToArray()));

        Assert.Equal((40, ProtocolLimits.DefaultMaxRecords, ProtocolLimits.DefaultMaxBytes), (read.FromLsn, read.MaxRecords, read.MaxBytes));
    }
}
