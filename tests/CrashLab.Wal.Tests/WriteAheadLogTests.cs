using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_EmptyDirectory_StartsAtLsnOne()
    {
        using var log = Open(_dir.Path);

        Assert.Equal(new WalStatus(1, 1, 0), log.Status);
        Assert.Null(log.Corruption);
    }

    [Fact]
    public async Task AppendAsync_Sync_SurvivesReopen()
    {
        using (var log = Open(_dir.Path))
        {
            var result = await log.AppendAsync(Batch(Payload(1, 10), Payload(2, 0), Payload(3, 300)), sync: true);
            Assert.Equal((1, 3), (result.FirstLsn, result.LastLsn));
            Assert.True(result.DurableLsn >= 3);
        }

        using var reopened = Open(_dir.Path);
        var records = ReadAll(reopened);
        Assert.Equal([1L, 2L, 3L], records.Select(r => r.Lsn));
        Assert.Equal(Payload(3, 300), records[2].Data);
        Assert.Empty(records[1].Data);
        Assert.Null(reopened.Corruption);
    }

    [Fact]
    public async Task AppendAsync_ManySegments_ReadsBackEveryRecordAfterReopen()
    {
        var sizes = new[] { 0, 1, 511, 512, 513, 4096, 12 << 10, 100_000, 300_000 };
        var expected = new List<byte[]>();
        using (var log = Open(_dir.Path))
        {
            for (var i = 0; i < 40; i++)
            {
                var payload = Payload(i + 1, sizes[i % sizes.Length]);
                expected.Add(payload);
                await log.AppendAsync(Batch(payload), sync: i % 3 == 0);
            }

            await log.SyncAsync();
            Assert.Equal(expected, ReadAll(log).Select(r => r.Data));
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(expected, ReadAll(reopened).Select(r => r.Data));
        Assert.True(Directory.GetFiles(_dir.Path, "*.wal").Length > 10);
    }

    [Fact]
    public async Task Append_UnsyncedBatchAfterSyncedOnes_ContinuesLsnsAfterReopen()
    {
        using (var log = Open(_dir.Path))
        {
            await log.AppendAsync(Batch(Payload(1, 5)), sync: true);
            log.Append(Batch(Payload(2, 5)));
            log.WriteBuffered();
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(3, reopened.Status.NextLsn);
        var result = await reopened.AppendAsync(Batch(Payload(3, 5)), sync: true);
        Assert.Equal(3, result.FirstLsn);
    }

    [Fact]
    public void Read_OutsideRange_IsBadRequest()
    {
        using var log = Open(_dir.Path);
        log.Append(Batch(Payload(1, 5)));

        var error = Assert.Throws<WalException>(() => log.Read(3, 10, 100));
        Assert.Equal(WalErrorKind.BadRequest, error.Kind);
        Assert.Empty(log.Read(2, 10, 100).Records);
    }

    [Fact]
    public void Read_MaxBytesSmallerThanRecord_ReturnsOneRecord()
    {
        using var log = Open(_dir.Path);
        log.Append(Batch(Payload(1, 500), Payload(2, 500)));

        var result = log.Read(1, 10, 100);

        Assert.Single(result.Records);
        Assert.Equal(2, result.NextLsn);
    }
}
