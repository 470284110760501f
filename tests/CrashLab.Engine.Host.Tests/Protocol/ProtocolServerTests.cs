using System.Text;
using System.Text.Json;
using CrashLab.Engine.Host.Protocol;
using CrashLab.Storage.Physical;
using CrashLab.Wal;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrashLab.Engine.Host.Tests.Protocol;

public sealed class ProtocolServerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crashlab-host-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ServeAsync_MalformedLinesBetweenAppends_AnswerBadRequestAndChangeNothing()
    {
        var replies = await Serve(
            """{"id":1,"op":"append","records":["aGk="],"sync":true}""",
            "{not json",
            """{"id":2,"op":"append","records":["%%%"]}""",
            """{"id":3,"op":"truncate","before_lsn":99}""",
            """{"id":4,"op":"read","from_lsn":5}""",
            """{"id":5,"op":"stat"}""",
            """{"id":6,"op":"shutdown"}""");

        Assert.Equal("bad_request", replies[0].GetProperty("error").GetString());
        foreach (var id in new[] { 2, 3, 4 })
            Assert.Equal("bad_request", replies[id].GetProperty("error").GetString());
        Assert.Equal(2, replies[5].GetProperty("next_lsn").GetInt64());
        Assert.Equal(1, replies[5].GetProperty("first_lsn").GetInt64());
        Assert.True(replies[6].GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task ServeAsync_PipelinedRequests_AssignLsnsInStdinOrderAndReplyToEveryId()
    {
        var lines = Enumerable.Range(1, 50).Select(i => $$"""{"id":{{i}},"op":"append","records":["{{Convert.ToBase64String(new byte[i])}}"],"sync":{{(i % 2 == 0 ? "true" : "false")}}}""").ToList();
        lines.Add("""{"id":51,"op":"read","from_lsn":1,"max_records":100}""");
        lines.Add("""{"id":52,"op":"shutdown"}""");

        var replies = await Serve([.. lines]);

        for (var i = 1; i <= 50; i++)
            Assert.Equal(i, replies[i].GetProperty("first_lsn").GetInt64());
        Assert.True(replies[2].GetProperty("durable_lsn").GetInt64() >= 2);
        var records = replies[51].GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(50, records.Count);
        Assert.Equal(new byte[50], records[49].GetProperty("data").GetBytesFromBase64());
    }

    [Fact]
    public async Task ServeAsync_EndOfInputWithoutShutdown_MakesAppendsDurable()
    {
        await Serve("""{"id":1,"op":"append","records":["aGk="]}""");

        using var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, _dir);
        Assert.Equal(2, log.Status.NextLsn);
    }

    /// <summary>Runs the server over the given lines; replies keyed by id (0: the last reply without an id).</summary>
    private async Task<Dictionary<long, JsonElement>> Serve(params string[] lines)
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        var output = new MemoryStream();
        using (var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, _dir))
        {
            await using var replies = new ReplyWriter(output);
            await new ProtocolServer(log, replies, NullLogger.Instance).ServeAsync(input);
        }

        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(reply => reply.GetProperty("id").GetInt64());
    }
}
