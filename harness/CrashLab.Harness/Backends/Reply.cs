using System.Text.Json;

namespace CrashLab.Harness.Backends;

/// <summary>A reply to one request: ok with fields, or an error code and message.</summary>
public sealed record Reply(long Id, bool Ok, string? Error, string? Message, JsonElement Body)
{
    public long Long(string name)
        => Body.TryGetProperty(name, out var value) && value.TryGetInt64(out var n)
            ? n
            : throw BackendFindingException.Protocol($"reply {Id} lacks the integer field \"{name}\": {Body}");

    public static Reply Parse(JsonElement e, long id)
    {
        if (!e.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw BackendFindingException.Protocol($"reply {id} lacks a boolean \"ok\": {e}");
        if (ok.GetBoolean())
            return new Reply(id, true, null, null, e);
        var error = e.TryGetProperty("error", out var err) ? err.GetString() : null;
        if (error is not ("io" or "no_space" or "poisoned" or "bad_request" or "unsupported"))
            throw BackendFindingException.Protocol($"reply {id} has unknown error code \"{error}\"");
        return new Reply(id, false, error, e.TryGetProperty("message", out var m) ? m.GetString() : null, e);
    }
}
