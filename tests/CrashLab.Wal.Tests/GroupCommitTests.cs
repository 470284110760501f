using CrashLab.Storage.Physical;
using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests;

public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (FlakyFileSystem Fs, WriteAheadLog Log) OpenWithOneRecord()
    {
        var fs = new FlakyFileSystem(PhysicalFileSystem.Instance);
        var log = WriteAheadLog.Open(fs, _dir.Path, Small with { SegmentBytes = 4 << 20 });
        log.Append(Batch(Payload(0, 1)));
        return (fs, log);
    }

    [Fact]
    public void AppendAsync_ManyConcurrentWriters_ShareFdatasyncs()
    {
        var (fs, opened) = OpenWithOneRecord();
        using var log = opened;
        const int Writers = 64, PerWriter = 20;
        var before = fs.DataSyncs;
        var results = new AppendResult[Writers][];
        using var start = new Barrier(Writers);

        // Dedicated threads: the writers must really overlap, whatever else is using the thread pool.
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            results[w] = [.. Enumerable.Range(0, PerWriter).Select(i => log.AppendAsync(Batch(Payload(w * 1000 + i, 128)), sync: true).AsTask().GetAwaiter().GetResult())];
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var syncs = fs.DataSyncs - before;
        Assert.True(syncs <= Writers * PerWriter / 4, $"{syncs} fdatasyncs for {Writers * PerWriter} durable appends");
        Assert.All(results.SelectMany(r => r), r => Assert.True(r.DurableLsn >= r.LastLsn));
        Assert.Equal(Writers * PerWriter, results.SelectMany(r => r).Select(r => r.FirstLsn).Distinct().Count());
    }

    [Fact]
    public void AppendAsync_WritersUnderASynchronizationContext_NeverPostToIt()
    {
        // A leader gathering its group parks without posting to the caller's context
        // (which may be a UI loop, or blocked on this very append).
        var (fs, opened) = OpenWithOneRecord();
        using var log = opened;
        const int Writers = 32, PerWriter = 20;
        var context = new CountingContext();
        using var start = new Barrier(Writers);
        var acknowledged = 0;

        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            start.SignalAndWait();
            for (var i = 0; i < PerWriter; i++)
            {
                var result = log.AppendAsync(Batch(Payload(w * 1000 + i, 4096)), sync: true).AsTask().GetAwaiter().GetResult();
                if (result.DurableLsn >= result.LastLsn)
                    Interlocked.Increment(ref acknowledged);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(Writers * PerWriter, acknowledged);
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public async Task AppendAsync_LoneWriterAfterALargeGroup_IsNotKeptWaitingForTheOthers()
    {
        // The leader waits for as many as its last group held; when none of them come back,
        // its timer (not another request) must end the wait.
        var (fs, opened) = OpenWithOneRecord();
        using var log = opened;
        const int Writers = 16;
        using var start = new Barrier(Writers);
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 10; i++)
                log.AppendAsync(Batch(Payload(w * 1000 + i, 128)), sync: true).AsTask().GetAwaiter().GetResult();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var lone = await log.AppendAsync(Batch(Payload(99_999, 128)), sync: true).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(lone.DurableLsn >= lone.LastLsn);
        Assert.Equal(lone.LastLsn, log.Status.DurableLsn);
    }

    [Fact]
    public void AppendAsync_LoneWriter_SyncsInlineOnItsOwnThread()
    {
        var fs = new FlakyFileSystem(PhysicalFileSystem.Instance);
        using var log = WriteAheadLog.Open(fs, _dir.Path, Small);
        log.Append(Batch(Payload(0, 1)));

        for (var i = 1; i <= 10; i++)
        {
            var before = fs.DataSyncs;
            var pending = log.AppendAsync(Batch(Payload(i, 128)), sync: true);

            Assert.True(pending.IsCompletedSuccessfully, "a lone writer's durable append must complete before the call returns");
            Assert.Equal(before + 1, fs.DataSyncs);
        }
    }

    [Fact]
    public async Task SyncAsync_AfterUnsyncedAppendsAcrossSegments_MakesAllDurable()
    {
        using (var log = Open(_dir.Path))
        {
            for (var i = 1; i <= 30; i++)
                log.Append(Batch(Payload(i, 9000)));
            Assert.Equal(30, await log.SyncAsync());
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(31, reopened.Status.NextLsn);
    }
}
