using CrashLab.Storage.Physical;
using CrashLab.Wal.Format;
using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests.Recovery;

public sealed class MisdirectedWriteTests : IDisposable
{
    private const string Segment = "0000000000000001.wal";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The last group of a segment is written one 4 KiB sector further on, past the segment's end
    /// (the file grows), and its fdatasync acknowledges it durable. Where the group belongs there
    /// are zeros, as after a torn tail; only the bytes past the end tell otherwise. The white-box
    /// campaign on misdirected-write found the loss silent (rule 4: LSNs acknowledged durable gone,
    /// no corruption reported), and recovery then cut the file back to its size.
    /// </summary>
    [Fact]
    public async Task Open_AcknowledgedGroupMisdirectedPastTheSegmentEnd_ReportsTheLoss()
    {
        long? durable;
        using (var log = Open(_dir.Path))
        {
            await log.AppendAsync(Batch(Payload(1, 60_000)), sync: true);
            durable = (await log.AppendAsync(Batch(Payload(2, 100), Payload(3, 100)), sync: true)).DurableLsn;
        }

        Assert.Equal(3, durable);
        const int Shift = 4096;
        var from = SegmentHeader.DataStart + FrameHeader.FrameSize(60_000);
        var to = from + (2 * FrameHeader.FrameSize(100));
        var written = LogImage.Capture(_dir.Path)[Segment];
        Assert.True(from + Shift >= written.Length, "the misdirected copy must land past the segment's end");
        var misdirected = new byte[from + Shift + (to - from)];
        written.CopyTo(misdirected, 0);
        Array.Copy(written, from, misdirected, from + Shift, to - from);
        Array.Clear(misdirected, from, to - from);
        File.WriteAllBytes(Path.Combine(_dir.Path, Segment), misdirected);

        using var reopened = Open(_dir.Path);
        var read = ReadAll(reopened);
        Assert.True(read.Count >= 3 || reopened.Corruption != null, $"LSNs {read.Count + 1}..3 were acknowledged durable and lost silently");
        Assert.True(read.Count >= 3 || reopened.Corruption!.Lsn <= read.Count + 1, $"corruption reported at LSN {reopened.Corruption?.Lsn}, above the first LSN lost");
    }

    /// <summary>
    /// A group's write lands elsewhere and reports success; its fdatasync acknowledges it durable.
    /// A batch encoded while that fdatasync was under way is written next, at its own offset, and
    /// the power cut keeps it. What is left: zeros where the acknowledged group belongs, then a
    /// valid frame. That frame's durable-LSN stamp must say what was durable when it was written
    /// (LSN 3), not when it was encoded (LSN 1), or recovery takes the zeros for a torn tail and
    /// loses the acknowledged LSNs silently (rule 4; seen by the white-box campaign on misdirected-write).
    /// </summary>
    [Fact]
    public async Task Open_AcknowledgedGroupMisdirectedAndABatchEncodedDuringItsSyncWrittenNext_ReportsTheLoss()
    {
        var fs = new FlakyFileSystem(PhysicalFileSystem.Instance);
        long durable;
        using (var log = WriteAheadLog.Open(fs, _dir.Path, Small))
        {
            await log.AppendAsync(Batch(Payload(1, 100)), sync: true);
            using var inSync = new SemaphoreSlim(0);
            using var release = new SemaphoreSlim(0);
            var armed = 1;
            fs.Fail = (operation, path) =>
            {
                if (operation == "fdatasync" && path.EndsWith(".wal", StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1)
                {
                    inSync.Release();
                    release.Wait();
                }

                return 0;
            };

            // A lone writer leads its own flush on its own thread, so it runs on another.
            var acknowledged = Task.Run(async () => await log.AppendAsync(Batch(Payload(2, 100), Payload(3, 100)), sync: true));
            await inSync.WaitAsync();
            log.Append(Batch(Payload(4, 2000)));
            release.Release();
            durable = (await acknowledged).DurableLsn ?? 0;
            log.WriteBuffered();
        }

        Assert.Equal(3, durable);
        var misdirectedFrom = SegmentHeader.DataStart + FrameHeader.FrameSize(100);
        var misdirectedTo = misdirectedFrom + (2 * FrameHeader.FrameSize(100));
        var image = LogImage.Capture(_dir.Path);
        Assert.True(image.WrittenEnd(Segment) > misdirectedTo + FrameHeader.Size, "the batch encoded during the sync must have been written");
        image.RestoreTo(_dir.Path, (name, bytes) =>
        {
            if (name == Segment)
                Array.Clear(bytes, misdirectedFrom, misdirectedTo - misdirectedFrom);
        });

        using var reopened = Open(_dir.Path);
        var read = ReadAll(reopened);
        Assert.True(read.Count >= 3 || reopened.Corruption != null, $"LSNs {read.Count + 1}..3 were acknowledged durable and lost silently");
        Assert.True(read.Count >= 3 || reopened.Corruption!.Lsn <= read.Count + 1, $"corruption reported at LSN {reopened.Corruption?.Lsn}, above the first LSN lost");
    }
}
