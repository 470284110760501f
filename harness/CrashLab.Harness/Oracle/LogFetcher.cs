using System.Text.Json;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>Reads a recovered log from first_lsn to next_lsn through the protocol, feeding each record to a check.</summary>
public static class LogFetcher
{
    /// <param name="readErrorsInjected">Reads are failing on purpose: an <c>io</c> answer is honest, and ends the check with only what ready claimed judged (null if that holds).</param>
    public static async Task<List<Violation>?> FetchAsync(BackendProcess backend, ReadyEvent ready, RecoveryCheck check, CancellationToken cancellationToken, bool readErrorsInjected = false)
    {
        var from = ready.FirstLsn;
        while (from < ready.NextLsn && check.Violations.Count == 0)
        {
            var start = from;
            var reply = await backend.RequestAsync("read", json =>
            {
                json.WriteNumber("from_lsn", start);
                json.WriteNumber("max_records", 1000);
                json.WriteNumber("max_bytes", 4 << 20);
            }, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok && readErrorsInjected && reply.Error == "io")
                return check.FinishUnread() is { Count: > 0 } claims ? claims : null;
            if (!reply.Ok)
                return [new Violation(Rules.Liveness, $"reading the recovered log at LSN {start} failed: {reply.Error}: {reply.Message}") { Lsn = start }];
            if (!reply.Body.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0)
                return [new Violation(Rules.Contiguity, $"read from LSN {start} returned no records though next_lsn is {ready.NextLsn}") { Lsn = start }];
            foreach (var record in records.EnumerateArray())
            {
                if (!check.Record(record.GetProperty("lsn").GetInt64(), record.GetProperty("data").GetBytesFromBase64()))
                    break;
            }

            from = start + records.GetArrayLength();
            if (check.Violations.Count == 0 && reply.Long("next_lsn") != from)
                return [new Violation(Rules.Contiguity, $"read from LSN {start} returned {records.GetArrayLength()} records but next_lsn {reply.Long("next_lsn")}") { Lsn = from }];
        }

        return check.Finish();
    }
}
