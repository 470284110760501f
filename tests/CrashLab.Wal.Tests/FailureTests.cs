using CrashLab.Storage;
using CrashLab.Storage.Physical;
using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests;

public sealed class FailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AppendAsync_FdatasyncFailsOnce_FailsTheRequestAndPoisonsTheLog()
    {
        var fs = new FlakyFileSystem(PhysicalFileSystem.Instance);
        using (var log = WriteAheadLog.Open(fs, _dir.Path, Small))
        {
            await log.AppendAsync(Batch(Payload(1, 10)), sync: true);
            var failures = 0;
            fs.Fail = (op, _) => op == "fdatasync" && failures++ == 0 ? Errno.EIO : 0;

            var io = await Assert.ThrowsAsync<WalException>(async () => await log.AppendAsync(Batch(Payload(2, 10)), sync: true));
            Assert.Equal(WalErrorKind.Io, io.Kind);

            // The next fdatasync would succeed (Linux reports the error once): the log must not trust it.
            var poisoned = await Assert.ThrowsAsync<WalException>(async () => await log.AppendAsync(Batch(Payload(3, 10)), sync: true));
            Assert.Equal(WalErrorKind.Poisoned, poisoned.Kind);
            Assert.Equal(WalErrorKind.Poisoned, (await Assert.ThrowsAsync<WalException>(async () => await log.SyncAsync())).Kind);
        }

        using var reopened = Open(_dir.Path);
        Assert.Equal(1, ReadAll(reopened)[0].Lsn);
    }

    [Fact]
    public async Task Append_NoSpaceForNextSegment_FailsCleanlyAndResumesWhenSpaceReturns()
    {
        var fs = new FlakyFileSystem(PhysicalFileSystem.Instance);
        using var log = WriteAheadLog.Open(fs, _dir.Path, Small);
        await log.AppendAsync(Batch(Payload(1, 100)), sync: true);
        fs.Fail = (op, _) => op == "preallocate" ? Errno.ENOSPC : 0;

        var full = Assert.Throws<WalException>(() => log.Append(Batch(Payload(2, 100_000))));

        Assert.Equal(WalErrorKind.NoSpace, full.Kind);
        Assert.Equal(2, log.Status.NextLsn);
        fs.Fail = (_, _) => 0;
        var result = await log.AppendAsync(Batch(Payload(2, 100_000)), sync: true);
        Assert.Equal(2, result.FirstLsn);
        Assert.Equal(Payload(2, 100_000), ReadAll(log)[1].Data);
    }

    [Fact]
    public async Task Open_CrashAtEveryStepOfRecovery_NextRecoveryReachesTheSameLog()
    {
        await using var _ = await TornLog();
        var image = LogImage.Capture(_dir.Path);
        var expected = RecoverCleanly();

        for (var crashAt = 1; ; crashAt++)
        {
            image.RestoreTo(_dir.Path);
            var fs = new FlakyFileSystem(PhysicalFileSystem.Instance) { CrashAtMutation = crashAt };
            try
            {
                WriteAheadLog.Open(fs, _dir.Path, Small).Dispose();
                break;
            }
            catch (FlakyFileSystem.SimulatedCrash)
            {
            }

            Assert.Equal(expected, RecoverCleanly());
        }
    }

    private string RecoverCleanly()
    {
        using var log = Open(_dir.Path);
        var digest = string.Join(",", ReadAll(log).Select(r => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(r.Data))));
        return $"{log.Status.FirstLsn}..{log.Status.NextLsn} corruption={log.Corruption} {digest}";
    }

    /// <summary>A log over several segments whose last batch (spanning two segments) is torn.</summary>
    private async Task<IAsyncDisposable> TornLog()
    {
        using (var log = Open(_dir.Path))
        {
            for (var i = 1; i <= 12; i++)
                await log.AppendAsync(Batch(Payload(i, 7000)), sync: true);
            await log.AppendAsync(Batch(Payload(13, 30_000), Payload(14, 30_000)), sync: true);
        }

        var last = Directory.GetFiles(_dir.Path, "*.wal").Max()!;
        var bytes = await File.ReadAllBytesAsync(last);
        var end = Array.FindLastIndex(bytes, b => b != 0) + 1;
        Array.Clear(bytes, (end - 1) & ~511, 512);
        await File.WriteAllBytesAsync(last, bytes);
        return new NoOp();
    }

    private sealed class NoOp : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
