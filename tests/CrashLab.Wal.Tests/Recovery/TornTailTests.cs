using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests.Recovery;

public sealed class TornTailTests : IDisposable
{
    private const string Segment = "0000000000000001.wal";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Open_LastFrameTornAtEveryByte_RecoversTheSyncedPrefixAndNeverTheTornBatch()
    {
        byte[][] synced = [Payload(1, 100), Payload(2, 0), Payload(3, 700)];
        var last = Payload(4, 1500);
        var before = await WriteThenCapture(synced);
        var after = await WriteThenCapture([last]);
        var start = FirstDifference(before[Segment], after[Segment]);
        var end = after.WrittenEnd(Segment);

        for (var tear = start; tear < end; tear++)
        {
            after.RestoreTo(_dir.Path, (name, bytes) => Array.Clear(bytes, tear, end - tear));
            using var log = Open(_dir.Path);
            var records = ReadAll(log);

            Assert.Equal(synced, records.Take(3).Select(r => r.Data));
            Assert.True(records.Count == 3 || (records.Count == 4 && records[3].Data.SequenceEqual(last)), $"tear at {tear}");
            // Sectors are atomic in the fault model, so only a tear on a sector boundary is a real torn write:
            // it must be cut silently. A tear inside a sector may be reported, but only at the lost LSN.
            if (tear % 512 == 0)
                Assert.Null(log.Corruption);
            else if (log.Corruption != null)
                Assert.Equal(4, log.Corruption.Lsn);
        }
    }

    [Fact]
    public async Task Open_TornTailThenNewAppends_OldTailBytesNeverResurface()
    {
        await WriteThenCapture([Payload(1, 50)]);
        var full = await WriteThenCapture([Payload(2, 3000), Payload(3, 3000)], asOneBatch: true);
        var end = full.WrittenEnd(Segment);
        full.RestoreTo(_dir.Path, (_, bytes) => Array.Clear(bytes, end - 512, 512));

        using (var log = Open(_dir.Path))
        {
            Assert.Equal(2, log.Status.NextLsn);
            await log.AppendAsync(Batch(Payload(20, 3000)), sync: true);
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal([Payload(1, 50), Payload(20, 3000)], ReadAll(reopened).Select(r => r.Data));
        Assert.Null(reopened.Corruption);
    }

    [Fact]
    public async Task Open_BatchTornInItsLastRecord_DropsTheWholeBatch()
    {
        await WriteThenCapture([Payload(1, 10)]);
        byte[][] batch = [Payload(2, 600), Payload(3, 600), Payload(4, 600)];
        var image = await WriteThenCapture(batch, asOneBatch: true);
        var end = image.WrittenEnd(Segment);
        image.RestoreTo(_dir.Path, (_, bytes) => Array.Clear(bytes, (end - 1) & ~511, end - ((end - 1) & ~511)));

        using var log = Open(_dir.Path);

        Assert.Equal([1L], ReadAll(log).Select(r => r.Lsn));
        Assert.Null(log.Corruption);
    }

    [Fact]
    public async Task Open_BatchSpanningSegmentsTornInTheNewSegment_DropsTheWholeBatch()
    {
        await WriteThenCapture([Payload(1, 10)]);
        var big = Payload(2, 150_000);
        var image = await WriteThenCapture([Payload(2, 5000), big], asOneBatch: true);
        var lastSegment = Directory.GetFiles(_dir.Path, "*.wal").Max()!;
        var name = Path.GetFileName(lastSegment);
        var end = image.WrittenEnd(name);
        image.RestoreTo(_dir.Path, (file, bytes) =>
        {
            if (file == name)
                Array.Clear(bytes, (end - 1) & ~511, end - ((end - 1) & ~511));
        });

        using var log = Open(_dir.Path);

        Assert.Equal([1L], ReadAll(log).Select(r => r.Lsn));
        Assert.Null(log.Corruption?.Detail);
        var next = await log.AppendAsync(Batch(Payload(9, 100_000)), sync: true);
        Assert.Equal(2, next.FirstLsn);
    }

    private async Task<LogImage> WriteThenCapture(byte[][] records, bool asOneBatch = false)
    {
        using (var log = Open(_dir.Path))
        {
            if (asOneBatch)
            {
                await log.AppendAsync(Batch(records), sync: true);
            }
            else
            {
                foreach (var record in records)
                    await log.AppendAsync(Batch(record), sync: true);
            }
        }

        return LogImage.Capture(_dir.Path);
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        var i = 0;
        while (a[i] == b[i])
            i++;
        return i;
    }
}
