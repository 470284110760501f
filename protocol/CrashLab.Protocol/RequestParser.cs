using System.Text.Json;

namespace CrashLab.Protocol;

/// <summary>
/// Turns one line from the harness into a request, or into an <see cref="InvalidRequest"/> that
/// says why. Unknown fields are ignored (a newer harness may send more); an unknown op is
/// "unsupported", anything else malformed is "bad_request".
/// </summary>
public static class RequestParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = ProtocolLimits.MaxDepth };

    public static Request Parse(ReadOnlyMemory<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, Options);
        }
        catch (JsonException e)
        {
            return Invalid(0, $"not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Invalid(0, "a request must be a JSON object");
            if (!root.TryGetProperty(Field.Id, out var idElement) || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt64(out var id) || id <= 0)
                return Invalid(0, $"\"{Field.Id}\" must be a positive integer");
            if (!root.TryGetProperty(Field.Op, out var op) || op.ValueKind != JsonValueKind.String)
                return Invalid(id, $"\"{Field.Op}\" must be a string");

            try
            {
                Request request = op.GetString() switch
                {
                    Op.Append => ParseAppend(root),
                    Op.Sync => new SyncRequest(),
                    Op.Truncate => new TruncateRequest(RequiredCount(root, Field.BeforeLsn)),
                    Op.Read => new ReadRequest(RequiredCount(root, Field.FromLsn),
                        (int)Math.Min(OptionalCount(root, Field.MaxRecords) ?? ProtocolLimits.DefaultMaxRecords, int.MaxValue),
                        OptionalCount(root, Field.MaxBytes) ?? ProtocolLimits.DefaultMaxBytes),
                    Op.Stat => new StatRequest(),
                    Op.Shutdown => new ShutdownRequest(),
                    var other => new InvalidRequest(ErrorCode.Unsupported, $"unknown op \"{WireText.Clip(other, 60)}\""),
                };
                return request with { Id = id };
            }
            catch (ProtocolException e)
            {
                return Invalid(id, e.Message);
            }
        }
    }

    private static InvalidRequest Invalid(long id, string message) => new(ErrorCode.BadRequest, message) { Id = id };

    private static AppendRequest ParseAppend(JsonElement root)
    {
        if (!root.TryGetProperty(Field.Records, out var list) || list.ValueKind != JsonValueKind.Array)
            throw new ProtocolException($"\"{Field.Records}\" must be an array of base64 strings");
        var count = list.GetArrayLength();
        if (count is 0 or > ProtocolLimits.MaxBatchRecords)
            throw new ProtocolException($"a batch holds 1 to {ProtocolLimits.MaxBatchRecords} records, not {count}");
        var records = new ReadOnlyMemory<byte>[count];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !item.TryGetBytesFromBase64(out var bytes))
                throw new ProtocolException($"{Field.Records}[{i}] is not a base64 string");
            records[i++] = bytes;
        }

        var sync = false;
        if (root.TryGetProperty(Field.Sync, out var syncElement))
        {
            sync = syncElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw new ProtocolException($"\"{Field.Sync}\" must be true or false"),
            };
        }

        return new AppendRequest(records, sync);
    }

    private static long RequiredCount(JsonElement root, string name)
        => OptionalCount(root, name) ?? throw new ProtocolException($"\"{name}\" is required");

    private static long? OptionalCount(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) && value >= 0
            ? value
            : throw new ProtocolException($"\"{name}\" must be a non-negative integer");
    }
}
