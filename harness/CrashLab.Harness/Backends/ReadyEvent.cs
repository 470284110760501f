using System.Text.Json;

namespace CrashLab.Harness.Backends;

/// <summary>The backend's <c>ready</c> event: where its log starts and ends, and any damage it reports.</summary>
public sealed record ReadyEvent(long FirstLsn, long NextLsn, long? CorruptionLsn, string? CorruptionDetail, string Backend)
{
    private const string What = "the ready event";

    public static ReadyEvent Parse(JsonElement e)
    {
        var protocol = JsonFields.Long(e, "protocol", What);
        if (protocol != 1)
            throw BackendFindingException.Protocol($"the ready event speaks protocol {protocol}, not 1");
        long? lsn = null;
        string? detail = null;
        if (e.TryGetProperty("corruption", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            JsonFields.Object(c, "the ready event's \"corruption\"");
            lsn = JsonFields.Long(c, "lsn", "the ready event's \"corruption\"");
            detail = JsonFields.OptionalString(c, "detail", "the ready event's \"corruption\"");
        }

        var first = JsonFields.Long(e, "first_lsn", What);
        var next = JsonFields.Long(e, "next_lsn", What);
        if (first < 1 || next < first)
            throw BackendFindingException.Protocol($"the ready event has first_lsn {first} and next_lsn {next}");
        return new ReadyEvent(first, next, lsn, detail, JsonFields.OptionalString(e, "backend", What, 120) ?? "");
    }
}
