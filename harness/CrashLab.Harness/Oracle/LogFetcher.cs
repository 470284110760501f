using System.Text.Json;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>Reads a recovered log from first_lsn to next_lsn, feeding each record to a check.</summary>
public static class LogFetcher
{
    /// <summary>One read answer: the records from an LSN and the next LSN, or an error (<c>io</c>, <c>bad_request</c>, ...).</summary>
    public sealed record Page(IReadOnlyList<(long Lsn, byte[] Data)> Records, long NextLsn, string? Error = null, string? Message = null)
    {
        public static Page Failed(string error, string message) => new([], 0, error, message);
    }

    /// <summary>Through the protocol.</summary>
    public static Task<List<Violation>?> FetchAsync(BackendProcess backend, ReadyEvent ready, RecoveryCheck check, CancellationToken cancellationToken, bool readErrorsInjected = false)
        => FetchAsync(async from =>
        {
            var reply = await backend.RequestAsync("read", json =>
            {
                json.WriteNumber("from_lsn", from);
                json.WriteNumber("max_records", 1000);
                json.WriteNumber("max_bytes", 4 << 20);
            }, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok)
                return Page.Failed(reply.Error ?? "unknown", reply.Message ?? "");
            if (!reply.Body.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
                return new Page([], from);
            return new Page([.. records.EnumerateArray().Select(r => (r.GetProperty("lsn").GetInt64(), r.GetProperty("data").GetBytesFromBase64()))], reply.Long("next_lsn"));
        }, ready, check, readErrorsInjected);

    /// <summary>Through any reader (the protocol, or an engine in process).</summary>
    /// <param name="readErrorsInjected">Reads are failing on purpose: an <c>io</c> answer is honest, and ends the check with only what ready claimed judged (null if that holds).</param>
    public static async Task<List<Violation>?> FetchAsync(Func<long, Task<Page>> read, ReadyEvent ready, RecoveryCheck check, bool readErrorsInjected = false)
    {
        var from = ready.FirstLsn;
        while (from < ready.NextLsn && check.Violations.Count == 0)
        {
            var start = from;
            var page = await read(start).ConfigureAwait(false);
            if (page.Error == "io" && readErrorsInjected)
                return check.FinishUnread() is { Count: > 0 } claims ? claims : null;
            if (page.Error != null)
                return [new Violation(Rules.Liveness, $"reading the recovered log at LSN {start} failed: {page.Error}: {page.Message}") { Lsn = start }];
            if (page.Records.Count == 0)
                return [new Violation(Rules.Contiguity, $"read from LSN {start} returned no records though next_lsn is {ready.NextLsn}") { Lsn = start }];
            foreach (var (lsn, data) in page.Records)
            {
                if (!check.Record(lsn, data))
                    break;
            }

            from = start + page.Records.Count;
            if (check.Violations.Count == 0 && page.NextLsn != from)
                return [new Violation(Rules.Contiguity, $"read from LSN {start} returned {page.Records.Count} records but next_lsn {page.NextLsn}") { Lsn = from }];
        }

        return check.Finish();
    }
}
