using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests.Recovery;

public sealed class BitFlipTests : IDisposable
{
    private const string Segment = "0000000000000001.wal";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Open_BitFlipInEveryByteOfASyncedLog_NeverReturnsDamageAndReportsEveryLoss()
    {
        byte[][] records = [Payload(1, 0), Payload(2, 37), Payload(3, 600), Payload(4, 100), Payload(5, 1), Payload(6, 513)];
        using (var log = Open(_dir.Path))
        {
            await log.AppendAsync(Batch(records[0]), sync: true);
            await log.AppendAsync(Batch(records[1], records[2]), sync: true);
            await log.AppendAsync(Batch(records[3]), sync: true);
            await log.AppendAsync(Batch(records[4], records[5]), sync: true);
        }

        var image = LogImage.Capture(_dir.Path);
        var end = image.WrittenEnd(Segment);
        for (var at = 0; at < end; at++)
        {
            var flipAt = at;
            image.RestoreTo(_dir.Path, (_, bytes) => bytes[flipAt] ^= (byte)(1 << (flipAt % 8)));
            WriteAheadLog log;
            try
            {
                log = Open(_dir.Path);
            }
            catch (WalException)
            {
                Assert.True(at < 64, $"only a damaged segment header may stop the log from opening (flip at {at})");
                continue;
            }

            using (log)
            {
                var read = ReadAll(log);
                for (var i = 0; i < read.Count; i++)
                {
                    Assert.Equal(i + 1, read[i].Lsn);
                    Assert.Equal(records[i], read[i].Data);
                }

                if (read.Count < records.Length)
                {
                    Assert.True(log.Corruption != null, $"flip at {at} lost LSN {read.Count + 1} silently");
                    Assert.True(log.Corruption.Lsn <= read.Count + 1);
                }
            }
        }
    }
}
