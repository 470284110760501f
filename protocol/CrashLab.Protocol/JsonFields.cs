using System.Text.Json;

namespace CrashLab.Protocol;

/// <summary>
/// Strict reads of a message's fields: a missing, mistyped or out-of-range field is a
/// <see cref="ProtocolException"/> that names the field and quotes the message, never an
/// exception of System.Text.Json escaping into the caller.
/// </summary>
public static class JsonFields
{
    public static long Long(JsonElement message, string field, string what)
    {
        var value = Field(message, field, what);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw Wrong(field, "an integer", value, what, message);
    }

    public static long? OptionalLong(JsonElement message, string field, string what)
        => message.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? Long(message, field, what) : null;

    public static bool Bool(JsonElement message, string field, string what)
    {
        var value = Field(message, field, what);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(field, "true or false", value, what, message),
        };
    }

    /// <summary>A string field, clipped to <paramref name="max"/> characters (a backend's words, bounded).</summary>
    public static string String(JsonElement message, string field, string what, int max = WireText.QuoteChars)
    {
        var value = Field(message, field, what);
        return value.ValueKind == JsonValueKind.String ? ClippedString(value, field, what, max) : throw Wrong(field, "a string", value, what, message);
    }

    public static string? OptionalString(JsonElement message, string field, string what, int max = WireText.QuoteChars)
        => message.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? String(message, field, what, max) : null;

    public static byte[] Base64(JsonElement message, string field, string what)
    {
        var value = Field(message, field, what);
        if (value.ValueKind != JsonValueKind.String)
            throw Wrong(field, "a base64 string", value, what, message);
        try
        {
            return value.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            throw Wrong(field, "valid base64 (RFC 4648, with padding)", value, what, message);
        }
    }

    public static JsonElement Array(JsonElement message, string field, string what)
    {
        var value = Field(message, field, what);
        return value.ValueKind == JsonValueKind.Array ? value : throw Wrong(field, "an array", value, what, message);
    }

    public static JsonElement Object(JsonElement value, string what)
        => value.ValueKind == JsonValueKind.Object
            ? value
            : throw new ProtocolException($"{what} is {WireText.Clip(value)}, not a JSON object");

    private static JsonElement Field(JsonElement message, string field, string what)
        => Object(message, what).TryGetProperty(field, out var value)
            ? value
            : throw new ProtocolException($"{what} lacks the field \"{field}\": {WireText.Clip(message)}");

    private static string ClippedString(JsonElement value, string field, string what, int max)
    {
        try
        {
            return WireText.Clip(value.GetString(), max);
        }
        catch (InvalidOperationException)
        {
            throw new ProtocolException($"{what} has \"{field}\" that is not valid UTF-8");
        }
    }

    private static ProtocolException Wrong(string field, string expected, JsonElement value, string what, JsonElement message)
        => new ProtocolException($"{what} has \"{field}\": {WireText.Clip(value, 60)}, not {expected}: {WireText.Clip(message)}");
}
