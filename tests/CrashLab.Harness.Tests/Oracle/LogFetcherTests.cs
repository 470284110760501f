using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;
using FsCheck.Xunit;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>
/// Reading a recovered log page by page, the next page asked for before the last one is checked:
/// the verdict is the one of checking every record in order, and the backend is asked for the same
/// pages, plus at most one whose answer is never looked at.
/// </summary>
public sealed class LogFetcherTests
{
    [Fact]
    public async Task TheNextPage_IsAskedForBeforeThisOneIsChecked()
    {
        var h = new History();
        var a = h.Append(6, BatchState.Durable);
        Assert.Empty(h.Recover(History.Ready(1, 7), h.All(a)));
        RecoveryCheck check = null!;
        var asked = new List<(long From, int CheckedBefore)>();
        var log = new PagedLog([.. h.All(a)], first: 1, pageSize: 2) { OnRead = from => asked.Add((from, check.Matched.Count)) };
        check = new RecoveryCheck(h.Model, History.Ready(1, 7));

        var violations = await LogFetcher.FetchAsync(log.ReadAsync, History.Ready(1, 7), check);

        Assert.Empty(violations!);
        Assert.Equal(6, check.Matched.Count);
        // One at a time this was (1, 0), (3, 2), (5, 4).
        Assert.Equal([(1L, 0), (3L, 0), (5L, 2)], asked);
    }

    /// <summary>The benchmarks print how much of the recovered logs was read; other tests read logs at the same time, so the counts grow by at least this one's.</summary>
    [Fact]
    public async Task ALogRead_IsCountedInTheReadVolume()
    {
        var h = new History();
        var a = h.Append(6, BatchState.Durable);
        Assert.Empty(h.Recover(History.Ready(1, 7), h.All(a)));
        var log = new PagedLog([.. h.All(a)], first: 1, pageSize: 4);
        var (logs, records, bytes) = ReadVolume.Snapshot();

        await LogFetcher.FetchAsync(log.ReadAsync, History.Ready(1, 7), new RecoveryCheck(h.Model, History.Ready(1, 7)));

        var after = ReadVolume.Snapshot();
        Assert.True(after.Logs >= logs + 1, $"logs {logs} -> {after.Logs}");
        Assert.True(after.Records >= records + 6, $"records {records} -> {after.Records}");
        Assert.True(after.Bytes >= bytes + h.All(a).Sum(r => r.Length), $"bytes {bytes} -> {after.Bytes}");
    }

    [Fact]
    public async Task APageThatBreaksARule_IsTheVerdict_WhateverBecomesOfTheReadAskedAhead()
    {
        var h = new History();
        var a = h.Append(6, BatchState.Durable);
        Assert.Empty(h.Recover(History.Ready(1, 7), h.All(a)));
        var records = h.All(a).ToList();
        records[2] = [.. records[2].Select(b => (byte)~b)];
        var log = new PagedLog(records, first: 1, pageSize: 2) { DiesFrom = 5 };

        var violations = await LogFetcher.FetchAsync(log.ReadAsync, History.Ready(1, 7), new RecoveryCheck(h.Model, History.Ready(1, 7)));

        Assert.Equal(3, Assert.Single(violations!).Lsn);
        Assert.Equal([1L, 3L, 5L], log.Asked);
    }

    [Fact]
    public async Task APageWhoseNextLsnIsWrong_IsNotReadPast()
    {
        var h = new History();
        var a = h.Append(4, BatchState.Durable);
        Assert.Empty(h.Recover(History.Ready(1, 5), h.All(a)));
        var log = new PagedLog([.. h.All(a)], first: 1, pageSize: 2) { WrongNextLsn = true };

        var violations = await LogFetcher.FetchAsync(log.ReadAsync, History.Ready(1, 5), new RecoveryCheck(h.Model, History.Ready(1, 5)));

        Assert.Equal(Violation.ReadNextMismatch(1, 2, 4).Message, Assert.Single(violations!).Message);
        Assert.Equal([1L], log.Asked);
    }

    [Property(MaxTest = 200)]
    public async Task ReadingAhead_GivesTheVerdictAndReadsOfOnePageAtATime(byte count, byte pageSize, byte damaged, bool shortLog, bool wrongNextLsn, bool acceptedFirst)
    {
        var records = (count % 24) + 1;
        var (ahead, oneAtATime) = (new History(), new History());
        var batches = (ahead.Append(records, BatchState.Durable), oneAtATime.Append(records, BatchState.Durable));
        var bytes = ahead.All(batches.Item1).ToList();
        // A recovery accepted first, so that a second one is checked record by record (not as an unconfirmed tail).
        if (acceptedFirst)
        {
            Assert.Empty(ahead.Recover(History.Ready(1, records + 1), bytes));
            Assert.Empty(oneAtATime.Recover(History.Ready(1, records + 1), bytes));
        }


        if (damaged % 3 == 0)
            bytes[damaged % records] = [.. bytes[damaged % records].Select(b => (byte)~b)];
        if (shortLog)
            bytes.RemoveAt(bytes.Count - 1);
        var ready = History.Ready(1, records + 1);
        var (aheadLog, oneLog) = (new PagedLog(bytes, 1, (pageSize % 5) + 1) { WrongNextLsn = wrongNextLsn }, new PagedLog(bytes, 1, (pageSize % 5) + 1) { WrongNextLsn = wrongNextLsn });

        var fetched = await LogFetcher.FetchAsync(aheadLog.ReadAsync, ready, new RecoveryCheck(ahead.Model, ready));
        var expected = await OnePageAtATimeAsync(oneLog.ReadAsync, ready, new RecoveryCheck(oneAtATime.Model, ready));

        Assert.Equal(expected.Select(v => v.ToString()), fetched!.Select(v => v.ToString()));
        Assert.Equal(oneLog.Asked, aheadLog.Asked.Take(oneLog.Asked.Count));
        Assert.InRange(aheadLog.Asked.Count - oneLog.Asked.Count, 0, expected.Count > 0 ? 1 : 0);
    }

    /// <summary>The fetch as it was before reads were pipelined: each page asked for once the last one is checked.</summary>
    private static async Task<List<Violation>> OnePageAtATimeAsync(Func<long, Task<LogFetcher.Page>> read, ReadyEvent ready, RecoveryCheck check)
    {
        var from = ready.FirstLsn;
        while (from < ready.NextLsn && check.Violations.Count == 0)
        {
            var start = from;
            var page = await read(start);
            if (page.Records.Count == 0)
                return [Violation.EmptyRead(start, ready.NextLsn)];
            foreach (var (lsn, data) in page.Records)
            {
                if (!check.Record(lsn, data.Span))
                    break;
            }

            from = start + page.Records.Count;
            if (check.Violations.Count == 0 && page.NextLsn != from)
                return [Violation.ReadNextMismatch(start, page.Records.Count, page.NextLsn)];
        }

        return check.Finish();
    }

    /// <summary>A backend's log served a few records a page; reads are recorded as they are asked for.</summary>
    private sealed class PagedLog(List<byte[]> records, long first, int pageSize)
    {
        public List<long> Asked { get; } = [];

        public Action<long>? OnRead { get; init; }

        /// <summary>The backend dies on a read from this LSN on.</summary>
        public long? DiesFrom { get; init; }

        public bool WrongNextLsn { get; init; }

        public Task<LogFetcher.Page> ReadAsync(long from)
        {
            Asked.Add(from);
            OnRead?.Invoke(from);
            if (from >= DiesFrom)
                return Task.FromException<LogFetcher.Page>(new BackendExitedException("killed"));
            var page = records.Skip((int)(from - first)).Take(pageSize).Select((r, i) => (from + i, (ReadOnlyMemory<byte>)r)).ToList();
            var next = from + page.Count + (WrongNextLsn ? 1 : 0);
            return Task.FromResult(page.Count == 0 ? new LogFetcher.Page([], from) : new LogFetcher.Page(page, next));
        }
    }
}
