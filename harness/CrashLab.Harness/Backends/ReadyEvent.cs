using System.Text.Json;

namespace CrashLab.Harness.Backends;

/// <summary>The backend's <c>ready</c> event: where its log starts and ends, and any damage it reports.</summary>
public sealed record ReadyEvent(long FirstLsn, long NextLsn, long? CorruptionLsn, string? CorruptionDetail, string Backend)
{
    public static ReadyEvent Parse(JsonElement e)
    {
        if (e.GetProperty("protocol").GetInt32() != 1)
            throw BackendFindingException.Protocol($"ready event speaks protocol {e.GetProperty("protocol")}, not 1");
        long? lsn = null;
        string? detail = null;
        if (e.TryGetProperty("corruption", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            lsn = c.GetProperty("lsn").GetInt64();
            detail = c.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }

        var first = e.GetProperty("first_lsn").GetInt64();
        var next = e.GetProperty("next_lsn").GetInt64();
        if (first < 1 || next < first)
            throw BackendFindingException.Protocol($"ready event has first_lsn {first} and next_lsn {next}");
        return new ReadyEvent(first, next, lsn, detail, e.TryGetProperty("backend", out var b) ? b.GetString() ?? "" : "");
    }
}
