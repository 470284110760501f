using System.Text;
using CrashLab.Engine.Host.Protocol;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// Touches the request path once on a spare thread while recovery runs, so that the first real
/// request does not pay for loading and initialising the JSON stack (about 50 ms here): a crash
/// campaign's first request after every restart is on its critical path.
/// </summary>
internal static class Warmup
{
    public static void Begin() => new Thread(Run) { Name = "warmup", IsBackground = true, Priority = ThreadPriority.BelowNormal }.Start();

    private static void Run()
    {
        RequestParser.Parse(Encoding.UTF8.GetBytes("""{"id":1,"op":"append","records":["aGk="],"sync":true}"""));
        RequestParser.Parse(Encoding.UTF8.GetBytes("""{"id":2,"op":"read","from_lsn":1,"max_records":10}"""));
        var replies = new ReplyWriter(Stream.Null);
        replies.Ok(1, json =>
        {
            json.WriteNumber("first_lsn", 1);
            json.WriteStartArray("records");
            json.WriteStartObject();
            json.WriteBase64String("data", "warm"u8);
            json.WriteEndObject();
            json.WriteEndArray();
        });
        replies.Error(2, "bad_request", "warm-up");
        replies.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
