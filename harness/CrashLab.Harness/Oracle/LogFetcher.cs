namespace CrashLab.Harness.Oracle;

/// <summary>
/// Reads a recovered log from first_lsn to next_lsn, feeding each record to a check. Reads are
/// pipelined one page deep: the next page is asked for as soon as a page arrives, before its
/// records are checked, so the backend serves it while the harness judges the last one. The
/// backend sees exactly the reads it saw when each page was asked for after the check, in the
/// same order, except one more when a page's records break a rule: that read's answer is never
/// looked at, and the verdict is the same.
/// </summary>
public static class LogFetcher
{
    /// <summary>One read answer: the records from an LSN and the next LSN, or an error (<c>io</c>, <c>bad_request</c>, ...).</summary>
    public sealed record Page(IReadOnlyList<(long Lsn, ReadOnlyMemory<byte> Data)> Records, long NextLsn, string? Error = null, string? Message = null)
    {
        public static Page Failed(string error, string message) => new([], 0, error, message);
    }

    /// <summary>Reads the whole log through <paramref name="read"/> into <paramref name="check"/>.</summary>
    /// <param name="readErrorsInjected">Reads are failing on purpose: an <c>io</c> answer is honest, and ends the check with only what ready claimed judged (null if that holds).</param>
    public static async Task<List<Violation>?> FetchAsync(Func<long, Task<Page>> read, ReadyEvent ready, RecoveryCheck check, bool readErrorsInjected = false)
    {
        var (records, bytes) = (0L, 0L);
        try
        {
            var from = ready.FirstLsn;
            var next = from < ready.NextLsn && check.Violations.Count == 0 ? read(from) : null;
            while (next != null)
            {
                var start = from;
                var page = await next.ConfigureAwait(false);
                next = null;
                if (page.Error == ErrorCode.Io && readErrorsInjected)
                    return check.FinishUnread() is { Count: > 0 } claims ? claims : null;
                if (page.Error != null)
                    return [Violation.ReadFailed(start, page.Error, page.Message)];
                if (page.Records.Count == 0)
                    return [Violation.EmptyRead(start, ready.NextLsn)];
                (records, bytes) = (records + page.Records.Count, bytes + page.Records.Sum(r => (long)r.Data.Length));
                from = start + page.Records.Count;
                // Asked for only where the page itself leaves no doubt that the next read follows: the
                // records still to be checked are the one thing that may yet stop it.
                var ahead = from < ready.NextLsn && page.NextLsn == from ? read(from) : null;
                foreach (var (lsn, data) in page.Records)
                {
                    if (!check.Record(lsn, data.Span))
                        break;
                }

                if (check.Violations.Count > 0)
                {
                    Unwanted(ahead);
                    break;
                }

                if (page.NextLsn != from)
                    return [Violation.ReadNextMismatch(start, page.Records.Count, page.NextLsn)];
                next = ahead;
            }

            return check.Finish();
        }
        finally
        {
            Campaigns.ReadVolume.Add(records, bytes);
        }
    }

    /// <summary>A read asked for ahead whose page is not wanted: whatever becomes of it (the backend dies, say) is not the verdict's.</summary>
    private static void Unwanted(Task<Page>? ahead)
        => ahead?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
