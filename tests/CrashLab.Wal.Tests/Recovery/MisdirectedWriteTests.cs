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
}
