using System.Buffers;
using FsCheck;
using FsCheck.Xunit;

namespace CrashLab.Protocol.Tests;

/// <summary>A request line written into the caller's buffer is the line <see cref="ProtocolWriter.Line(Request)"/> makes, byte for byte.</summary>
public sealed class ProtocolWriterRequestTests
{
    [Property(MaxTest = 200)]
    public void WriteLine_AnyRequest_IsTheLineByteForByte_AndAnAppendReadsBackAsItsRecords(byte[][] records, bool sync, PositiveInt id, byte kind, long lsn, byte chunkSeed)
    {
        Request request = (kind % 5) switch
        {
            0 => new AppendRequest([.. records.Select(r => (ReadOnlyMemory<byte>)r)], sync),
            1 => new SyncRequest(),
            2 => new TruncateRequest(lsn),
            3 => new ReadRequest(lsn, 1 + chunkSeed, 1 + Math.Abs(lsn % 1000)),
            _ => new StatRequest(),
        };
        request = request with { Id = id.Get };
        // A destination that hands out little room at a time, as a pooled buffer's first array does.
        var destination = new ArrayBufferWriter<byte>(1 + chunkSeed % 8);

        ProtocolWriter.WriteLine(request, destination);

        Assert.Equal(ProtocolWriter.Line(request), destination.WrittenSpan.ToArray());
        // An append's records are what a backend reads back (one with none is a bad request, as sent).
        if (request is AppendRequest { Records.Count: > 0 } append)
        {
            var parsed = Assert.IsType<AppendRequest>(RequestParser.Parse(destination.WrittenMemory[..^1]));
            Assert.Equal(append.Records.Select(r => r.ToArray()), parsed.Records.Select(r => r.ToArray()));
            Assert.Equal(sync, parsed.Sync);
        }
    }
}
