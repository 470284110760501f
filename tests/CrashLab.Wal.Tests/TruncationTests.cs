using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests;

public sealed class TruncationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TruncateAsync_DeletesWholeSegmentsBelowAndKeepsStartAcrossRestarts()
    {
        using (var log = Open(_dir.Path))
        {
            for (var i = 1; i <= 60; i++)
                await log.AppendAsync(Batch(Payload(i, 5000)), sync: false);
            var segmentsBefore = Directory.GetFiles(_dir.Path, "*.wal").Length;

            Assert.Equal(40, await log.TruncateAsync(40));

            Assert.Equal(40, log.Status.FirstLsn);
            Assert.True(Directory.GetFiles(_dir.Path, "*.wal").Length < segmentsBefore);
            Assert.Equal(WalErrorKind.BadRequest, Assert.Throws<WalException>(() => log.Read(39, 1, 1)).Kind);
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(40, reopened.Status.FirstLsn);
        Assert.Equal(61, reopened.Status.NextLsn);
        var records = ReadAll(reopened);
        Assert.Equal(Enumerable.Range(40, 21).Select(i => (long)i), records.Select(r => r.Lsn));
        Assert.Equal(Payload(40, 5000), records[0].Data);
    }

    [Fact]
    public async Task TruncateAsync_Everything_LeavesAnEmptyLogThatContinuesItsLsns()
    {
        using (var log = Open(_dir.Path))
        {
            for (var i = 1; i <= 30; i++)
                await log.AppendAsync(Batch(Payload(i, 4000)), sync: false);
            await log.TruncateAsync(31);
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(new WalStatus(31, 31, 30), reopened.Status);
        Assert.Equal(31, (await reopened.AppendAsync(Batch(Payload(31, 1)), sync: true)).FirstLsn);
    }

    [Fact]
    public async Task TruncateAsync_BeyondNextLsn_IsBadRequestAndChangesNothing()
    {
        using var log = Open(_dir.Path);
        await log.AppendAsync(Batch(Payload(1, 1)), sync: true);

        var error = await Assert.ThrowsAsync<WalException>(async () => await log.TruncateAsync(3));

        Assert.Equal(WalErrorKind.BadRequest, error.Kind);
        Assert.Equal(1, log.Status.FirstLsn);
    }

    [Fact]
    public async Task TruncateAsync_RecordSpanningDeletedSegment_StartsAtNextWholeRecord()
    {
        using (var log = Open(_dir.Path))
        {
            await log.AppendAsync(Batch(Payload(1, 200_000)), sync: false);
            await log.AppendAsync(Batch(Payload(2, 10)), sync: false);
            await log.TruncateAsync(2);
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(2, reopened.Status.FirstLsn);
        Assert.Equal([Payload(2, 10)], ReadAll(reopened).Select(r => r.Data));
    }
}
