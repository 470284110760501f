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
    /// <summary>
    /// A truncation's marker (a frame with no LSN of its own) is written, misdirected, and its
    /// fdatasync reports success; the next group (LSNs 3..4) is written right after it and
    /// acknowledged durable. Where the marker belongs there are zeros, then valid frames whose
    /// durable-LSN stamp claims only LSN 2: nothing in the LSN stamps says the marker had been
    /// durable, so recovery took the zeros for a torn tail and lost LSNs 3..4 silently (rule 4;
    /// found by `./run-crash-tests.sh` on misdirected-write, seed 11). The group's first frame
    /// must say that every byte before it was durable.
    /// </summary>
    [Fact]
    public async Task Open_TruncationMarkerMisdirectedAndTheNextGroupAcknowledged_ReportsTheLoss()
    {
        long? durable;
        int markerAt;
        using (var log = Open(_dir.Path))
        {
            await log.AppendAsync(Batch(Payload(1, 100), Payload(2, 100)), sync: true);
            markerAt = LogImage.Capture(_dir.Path).WrittenEnd(Segment);
            await log.TruncateAsync(2);
            durable = (await log.AppendAsync(Batch(Payload(3, 100), Payload(4, 100)), sync: true)).DurableLsn;
        }

        Assert.Equal(4, durable);
        var marker = FrameHeader.FrameSize(8);
        var image = LogImage.Capture(_dir.Path);
        Assert.True(image.WrittenEnd(Segment) > markerAt + marker, "the acknowledged group must follow the marker");
        image.RestoreTo(_dir.Path, (name, bytes) =>
        {
            if (name == Segment)
                Array.Clear(bytes, markerAt, marker);
        });

        using var reopened = Open(_dir.Path);
        var read = ReadAll(reopened);
        var last = read.Count == 0 ? 0 : read[^1].Lsn;
        Assert.True(last >= 4 || reopened.Corruption != null, $"LSNs {last + 1}..4 were acknowledged durable and lost silently");
    }
}
