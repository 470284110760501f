using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace CrashLab.Protocol;

/// <summary>The one writer of protocol lines: requests (the harness) and replies (a backend), each a JSON object and a newline.</summary>
public static class ProtocolWriter
{
    public static byte[] Line(Request request) => Write(Capacity(request), json => Fields(json, request)).ToArray();

    /// <summary>
    /// Writes one request line (its JSON and the newline) into <paramref name="destination"/>. A
    /// caller that pools its buffer makes no array per request, where <see cref="Line(Request)"/>
    /// makes two the line's size: an append of megabytes is megabytes of fresh memory for the
    /// kernel to fault in and zero, which was the largest share of the harness's CPU in a
    /// black-box campaign (perf, session 6).
    /// </summary>
    public static void WriteLine(Request request, IBufferWriter<byte> destination) => ObjectLine(destination, json => Fields(json, request));

    private static void Fields(Utf8JsonWriter json, Request request)
    {
        json.WriteNumber(Field.Id, request.Id);
        json.WriteString(Field.Op, request.Op);
        switch (request)
        {
            case AppendRequest append:
                json.WriteStartArray(Field.Records);
                foreach (var record in append.Records)
                    json.WriteBase64StringValue(record.Span);
                json.WriteEndArray();
                json.WriteBoolean(Field.Sync, append.Sync);
                break;
            case TruncateRequest truncate:
                json.WriteNumber(Field.BeforeLsn, truncate.BeforeLsn);
                break;
            case ReadRequest read:
                json.WriteNumber(Field.FromLsn, read.FromLsn);
                json.WriteNumber(Field.MaxRecords, read.MaxRecords);
                json.WriteNumber(Field.MaxBytes, read.MaxBytes);
                break;
        }
    }

    public static byte[] Line(Reply reply) => ReplyLine(reply).ToArray();

    /// <summary>
    /// A reply's line, JSON and newline, in one buffer sized for it before the first byte is
    /// written. A read of a recovered log is one line of about 1.4 MB of base64 for each MiB of
    /// records; a buffer grown by doubling from 256 bytes allocated (and page-faulted in) about
    /// four times that, and a copy into an exact array one more. A backend starts once per crash
    /// state, so every page it touches is a fresh one.
    /// </summary>
    public static ReadOnlyMemory<byte> ReplyLine(Reply reply) => Write(Capacity(reply), json =>
    {
        json.WriteNumber(Field.Id, reply.Id);
        json.WriteBoolean(Field.Ok, reply.Ok);
        switch (reply)
        {
            case ErrorReply error:
                json.WriteString(Field.Error, error.Code);
                json.WriteString(Field.Message, error.Message ?? "");
                break;
            case AppendReply append:
                json.WriteNumber(Field.FirstLsn, append.FirstLsn);
                json.WriteNumber(Field.LastLsn, append.LastLsn);
                if (append.DurableLsn is { } durable)
                    json.WriteNumber(Field.DurableLsn, durable);
                break;
            case SyncReply sync:
                json.WriteNumber(Field.DurableLsn, sync.DurableLsn);
                break;
            case TruncateReply truncate:
                json.WriteNumber(Field.FirstLsn, truncate.FirstLsn);
                break;
            case ReadReply read:
                json.WriteStartArray(Field.Records);
                foreach (var record in read.Records)
                {
                    json.WriteStartObject();
                    json.WriteNumber(Field.Lsn, record.Lsn);
                    json.WriteBase64String(Field.Data, record.Data.Span);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteNumber(Field.NextLsn, read.NextLsn);
                break;
            case StatReply stat:
                json.WriteNumber(Field.FirstLsn, stat.FirstLsn);
                json.WriteNumber(Field.NextLsn, stat.NextLsn);
                json.WriteNumber(Field.DurableLsn, stat.DurableLsn);
                break;
        }
    });

    /// <summary>
    /// Bytes enough for a reply's line: for a read, each record's base64 and its object around it;
    /// and room the JSON writer asks for beyond what it writes (it wants at least 4 KiB free, or
    /// a whole base64 value, before it writes one), so that the buffer never grows.
    /// </summary>
    internal static int Capacity(Reply reply)
        => reply is ReadReply { Records.Count: > 0 } read ? Capacity(read.Records.Select(r => r.Data.Length)) : 256;

    /// <summary>The same for a request: an append carries its records' base64 (a harness's load window writes megabytes of them). A destination given to <see cref="WriteLine"/> this size never grows.</summary>
    public static int Capacity(Request request)
        => request is AppendRequest { Records.Count: > 0 } append ? Capacity(append.Records.Select(r => r.Length)) : 256;

    private static int Capacity(IEnumerable<int> recordLengths)
    {
        long bytes = 256;
        long largest = 0;
        foreach (var length in recordLengths)
        {
            long encoded = Base64.GetMaxEncodedToUtf8Length(length);
            bytes += encoded + RecordOverhead;
            largest = Math.Max(largest, encoded);
        }

        return (int)Math.Min(bytes + largest + WriterHeadroom, Array.MaxLength);
    }

    /// <summary><c>{"lsn":N,"data":""},</c> around each record's base64, with room to spare.</summary>
    private const int RecordOverhead = 64;

    /// <summary>What Utf8JsonWriter asks an IBufferWriter for when it runs short, beyond the value it writes.</summary>
    private const int WriterHeadroom = 8 << 10;

    private static ReadOnlyMemory<byte> Write(int capacity, Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(capacity);
        ObjectLine(buffer, fields);
        return buffer.WrittenMemory;
    }

    /// <summary>One JSON object and its newline: every line of the protocol.</summary>
    private static void ObjectLine(IBufferWriter<byte> destination, Action<Utf8JsonWriter> fields)
    {
        using (var json = new Utf8JsonWriter(destination))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }

        destination.GetSpan(1)[0] = (byte)'\n';
        destination.Advance(1);
    }
}
