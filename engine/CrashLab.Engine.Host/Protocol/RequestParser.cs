using System.Text.Json;

namespace CrashLab.Engine.Host.Protocol;

/// <summary>
/// Turns one protocol line into a request, or into an <see cref="InvalidRequest"/> that says why.
/// Unknown fields are ignored (a newer harness may send more); unknown ops are "unsupported".
/// </summary>
internal static class RequestParser
{
    public const int DefaultMaxRecords = 1000;
    public const long DefaultMaxBytes = 8 << 20;
    private const int MaxBatchRecords = 1 << 20;
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    public static Request Parse(ReadOnlyMemory<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, Options);
        }
        catch (JsonException e)
        {
            return new InvalidRequest(0, "bad_request", $"not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return new InvalidRequest(0, "bad_request", "a request must be a JSON object");
            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt64(out var id) || id <= 0)
                return new InvalidRequest(0, "bad_request", "\"id\" must be a positive integer");
            if (!root.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String)
                return new InvalidRequest(id, "bad_request", "\"op\" must be a string");

            try
            {
                return op.GetString() switch
                {
                    "append" => ParseAppend(id, root),
                    "sync" => new SyncRequest(id),
                    "truncate" => new TruncateRequest(id, RequiredLong(root, "before_lsn")),
                    "read" => new ReadRequest(id, RequiredLong(root, "from_lsn"),
                        (int)Math.Min(OptionalLong(root, "max_records") ?? DefaultMaxRecords, int.MaxValue),
                        OptionalLong(root, "max_bytes") ?? DefaultMaxBytes),
                    "stat" => new StatRequest(id),
                    "shutdown" => new ShutdownRequest(id),
                    var other => new InvalidRequest(id, "unsupported", $"unknown op \"{other}\""),
                };
            }
            catch (FormatException e)
            {
                return new InvalidRequest(id, "bad_request", e.Message);
            }
        }
    }

    private static AppendRequest ParseAppend(long id, JsonElement root)
    {
        if (!root.TryGetProperty("records", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new FormatException("\"records\" must be an array of base64 strings");
        var count = list.GetArrayLength();
        if (count is 0 or > MaxBatchRecords)
            throw new FormatException($"a batch holds 1 to {MaxBatchRecords} records, not {count}");
        var records = new ReadOnlyMemory<byte>[count];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !item.TryGetBytesFromBase64(out var bytes))
                throw new FormatException($"records[{i}] is not a base64 string");
            records[i++] = bytes;
        }

        var sync = false;
        if (root.TryGetProperty("sync", out var syncElement))
        {
            sync = syncElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw new FormatException("\"sync\" must be true or false"),
            };
        }

        return new AppendRequest(id, records, sync);
    }

    private static long RequiredLong(JsonElement root, string name)
        => OptionalLong(root, name) ?? throw new FormatException($"\"{name}\" is required");

    private static long? OptionalLong(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) && value >= 0
            ? value
            : throw new FormatException($"\"{name}\" must be a non-negative integer");
    }
}
