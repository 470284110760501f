using System.Text.Json;

namespace CrashLab.Harness.Backends;

/// <summary>A reply to one request: ok with fields, or an error code and message (clipped: the backend's words, bounded).</summary>
public sealed record Reply(long Id, bool Ok, string? Error, string? Message, JsonElement Body)
{
    public static readonly string[] ErrorCodes = ["io", "no_space", "poisoned", "bad_request", "unsupported"];

    private string What => $"reply {Id}";

    public long Long(string name) => JsonFields.Long(Body, name, What);

    public long? OptionalLong(string name) => JsonFields.OptionalLong(Body, name, What);

    public JsonElement Array(string name) => JsonFields.Array(Body, name, What);

    public static Reply Parse(JsonElement e, long id)
    {
        var what = $"reply {id}";
        if (!e.TryGetProperty("ok", out _))
            throw BackendFindingException.Protocol($"{what} lacks \"ok\": {BackendText.Clip(e)}");
        if (JsonFields.Bool(e, "ok", what))
            return new Reply(id, true, null, null, e);
        var error = JsonFields.OptionalString(e, "error", what, 40);
        if (error == null || System.Array.IndexOf(ErrorCodes, error) < 0)
            throw BackendFindingException.Protocol($"{what} has unknown error code \"{error}\" (known: {string.Join(", ", ErrorCodes)})");
        return new Reply(id, false, error, e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? JsonFields.String(e, "message", what) : null, e);
    }
}
