namespace CrashLab.Harness.Oracle;

/// <summary>Reads a recovered log from first_lsn to next_lsn, feeding each record to a check.</summary>
public static class LogFetcher
{
    /// <summary>One read answer: the records from an LSN and the next LSN, or an error (<c>io</c>, <c>bad_request</c>, ...).</summary>
    public sealed record Page(IReadOnlyList<(long Lsn, byte[] Data)> Records, long NextLsn, string? Error = null, string? Message = null)
    {
        public static Page Failed(string error, string message) => new([], 0, error, message);
    }

    /// <summary>Reads the whole log through <paramref name="read"/> into <paramref name="check"/>.</summary>
    /// <param name="readErrorsInjected">Reads are failing on purpose: an <c>io</c> answer is honest, and ends the check with only what ready claimed judged (null if that holds).</param>
    public static async Task<List<Violation>?> FetchAsync(Func<long, Task<Page>> read, ReadyEvent ready, RecoveryCheck check, bool readErrorsInjected = false)
    {
        var from = ready.FirstLsn;
        while (from < ready.NextLsn && check.Violations.Count == 0)
        {
            var start = from;
            var page = await read(start).ConfigureAwait(false);
            if (page.Error == ErrorCode.Io && readErrorsInjected)
                return check.FinishUnread() is { Count: > 0 } claims ? claims : null;
            if (page.Error != null)
                return [Violation.ReadFailed(start, page.Error, page.Message)];
            if (page.Records.Count == 0)
                return [Violation.EmptyRead(start, ready.NextLsn)];
            foreach (var (lsn, data) in page.Records)
            {
                if (!check.Record(lsn, data))
                    break;
            }

            from = start + page.Records.Count;
            if (check.Violations.Count == 0 && page.NextLsn != from)
                return [Violation.ReadNextMismatch(start, page.Records.Count, page.NextLsn)];
        }

        return check.Finish();
    }
}
