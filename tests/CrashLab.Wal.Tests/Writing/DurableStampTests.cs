using CrashLab.Storage;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Physical;
using CrashLab.Wal.Format;
using FsCheck.Xunit;
using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests.Writing;

/// <summary>
/// Recovery trusts each frame's durable-LSN stamp (its commit gap) both ways: a stamp too low
/// lets a misdirected write of an acknowledged group pass for a torn tail (silent loss), a stamp
/// too high reports damage after an ordinary torn tail (a false alarm). So as each frame reaches
/// the file it must claim every LSN acknowledged durable before, and none that no completed
/// fdatasync covered; the same both ways for the flag that says every byte before a frame was
/// durable (a write's first frame must carry it exactly when every earlier frame was synced); and once an fdatasync has failed nothing more may be written (Linux reports
/// a writeback error once, so a later frame could stand on data that is gone). Random sequences of
/// appends, syncs and write-outs, some batches encoded from inside a group's fdatasync (as a
/// writer does while the leader syncs), some runs ending in a failed fdatasync; every write is
/// checked as it is made. FsCheck prints the seed of a failing sequence.
/// </summary>
public sealed class DurableStampTests
{
    [Property(MaxTest = 30)]
    public void EveryFrameWritten_ClaimsWhatWasDurableThenAndNoMore(ulong seed)
    {
        var random = new SplitMix(seed);
        using var dir = new TempDirectory();
        var fs = new FlakyFileSystem(PhysicalFileSystem.Instance);
        using var log = WriteAheadLog.Open(fs, dir.Path, Small);
        long acknowledged = 0, wholeWritten = 0, coveredBySync = 0, encodedDuringSync = 0;
        var frames = 0;
        var framesSynced = 0;
        var (failNextSync, syncFailed) = (false, false);
        ReadOnlyMemory<byte>[]? duringNextSync = null;
        fs.Fail = (operation, path) =>
        {
            if (operation != "fdatasync" || !path.EndsWith(SegmentNames.Extension, StringComparison.Ordinal))
                return 0;
            if (duringNextSync is { } batch)
            {
                duringNextSync = null;
                log.Append(batch);
                encodedDuringSync++;
            }

            if (failNextSync)
            {
                syncFailed = true;
                return Errno.EIO;
            }

            // The leader syncs what it wrote and writes nothing more until the sync is done.
            coveredBySync = wholeWritten;
            framesSynced = frames;
            return 0;
        };
        fs.Writing = (path, offset, data) =>
        {
            if (!path.EndsWith(SegmentNames.Extension, StringComparison.Ordinal) || offset < SegmentHeader.DataStart)
                return;
            Assert.False(syncFailed, $"seed {seed}: written to {path} at offset {offset} after an fdatasync failed");
            var salt = SaltOf(path);
            for (var at = 0; at < data.Length; frames++)
            {
                Assert.True(FrameHeader.TryRead(data.AsSpan(at), salt, out var header), $"seed {seed}: frame at offset {offset + at} is not sealed");
                Assert.True(header.CommitLsn >= acknowledged, $"seed {seed}: LSN {header.Lsn} written claiming LSN {header.CommitLsn} durable, after LSN {acknowledged} was acknowledged durable");
                Assert.True(header.CommitLsn <= coveredBySync, $"seed {seed}: LSN {header.Lsn} written claiming LSN {header.CommitLsn} durable, but fdatasyncs covered only up to LSN {coveredBySync}");
                Assert.True(!header.IsAfterDurable || framesSynced == frames, $"seed {seed}: the frame of LSN {header.Lsn} claims every byte before it durable, but {frames - framesSynced} frame(s) written before it were not synced");
                Assert.True(header.IsAfterDurable || at > 0 || framesSynced != frames, $"seed {seed}: the frame of LSN {header.Lsn} opens a write after every earlier frame was synced, but does not say so");
                if (header.Kind is FrameKind.Full or FrameKind.Last)
                    wholeWritten = Math.Max(wholeWritten, header.Lsn);
                at += header.FrameSize();
            }
        };

        for (var step = 0; step < 40 && !syncFailed; step++)
        {
            // Late in a run, now and then, the next fdatasync fails.
            failNextSync |= step >= 30 && random.Below(8) == 0;
            try
            {
                Step(log, random.Below(5), RandomBatch(random, step), ref acknowledged, ref duringNextSync);
            }
            catch (WalException e) when (syncFailed)
            {
                Assert.Equal(WalErrorKind.Io, e.Kind);
            }
        }

        if (syncFailed)
        {
            Assert.Equal(WalErrorKind.Poisoned, Assert.Throws<WalException>(() => log.SyncAsync().AsTask().GetAwaiter().GetResult()).Kind);
            return;
        }

        // Disarmed first: a batch encoded during the last sync would stay unwritten.
        (duringNextSync, failNextSync) = (null, false);
        log.SyncAsync().AsTask().GetAwaiter().GetResult();
        Assert.True(frames > 0, $"seed {seed}: no frame was written");
        Assert.True(wholeWritten == log.Status.NextLsn - 1, $"seed {seed}: records up to LSN {log.Status.NextLsn - 1} were appended, checked writes reached only LSN {wholeWritten} ({encodedDuringSync} batches encoded during a sync)");
    }

    private static void Step(WriteAheadLog log, int operation, ReadOnlyMemory<byte>[] batch, ref long acknowledged, ref ReadOnlyMemory<byte>[]? duringNextSync)
    {
        switch (operation)
        {
            case 0:
                acknowledged = Math.Max(acknowledged, log.AppendAsync(batch, sync: true).AsTask().GetAwaiter().GetResult().DurableLsn ?? 0);
                break;
            case 1:
                log.Append(batch);
                break;
            case 2:
                duringNextSync ??= batch;
                break;
            case 3:
                log.WriteBuffered();
                break;
            default:
                acknowledged = Math.Max(acknowledged, log.SyncAsync().AsTask().GetAwaiter().GetResult());
                break;
        }
    }

    /// <summary>1 to 3 records of up to 6000 bytes: with 64 KiB segments, rotations and records split across segments.</summary>
    private static ReadOnlyMemory<byte>[] RandomBatch(SplitMix random, int step)
        => [.. Enumerable.Range(0, 1 + random.Below(3)).Select(i => (ReadOnlyMemory<byte>)Payload(step * 3 + i, 1 + random.Below(6000)))];

    private static FrameSalt SaltOf(string segmentPath)
    {
        var page = new byte[SegmentHeader.Size];
        using (var file = File.OpenRead(segmentPath))
            file.ReadExactly(page);
        var header = SegmentHeader.TryRead(page, out var problem) ?? throw new InvalidOperationException($"{segmentPath}: {problem}");
        return new FrameSalt(header.LogId, header.SegmentNumber);
    }
}
