using System.Buffers;
using System.Text.Json;

namespace CrashLab.Protocol;

/// <summary>The one writer of protocol lines: requests (the harness) and replies (a backend), each a JSON object and a newline.</summary>
public static class ProtocolWriter
{
    public static byte[] Line(Request request) => Write(json =>
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
    });

    public static byte[] Line(Reply reply) => Write(json =>
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

    private static byte[] Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }

        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }
}
