using CrashLab.Engine.Host.Protocol;
using CrashLab.Protocol;

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
        RequestParser.Parse(ProtocolWriter.Line(new AppendRequest([new byte[] { 1, 2 }], Sync: true) { Id = 1 }).AsMemory()[..^1]);
        RequestParser.Parse(ProtocolWriter.Line(new ReadRequest(1, 10) { Id = 2 }).AsMemory()[..^1]);
        var replies = new ReplyWriter(Stream.Null);
        replies.Send(new ReadReply([new ReadRecord(1, "warm"u8.ToArray())], 2) { Id = 1 });
        replies.Error(2, ErrorCode.BadRequest, "warm-up");
        replies.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
