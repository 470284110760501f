using System.Buffers.Binary;
using System.IO.Hashing;

namespace CrashLab.Wal.Tests.Format;

/// <summary>
/// The on-disk format did not move when the checksums moved to System.IO.Hashing: Fixtures/format-v1
/// is a log written by the engine before that change (BitOperations.Crc32C by hand), and today's
/// engine must read every record of it back.
/// </summary>
public sealed class OnDiskFormatTests : IDisposable
{
    /// <summary>Record lengths of the fixture, in LSN order from 1: 12 appends, then the first 4 again after a truncation.</summary>
    private static readonly int[] Lengths = [0, 1, 7, 100, 511, 512, 513, 3000, 4096, 9000, 20000, 33, 0, 1, 7, 100];

    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format-v1");

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Fixture_WrittenBeforeTheHashingPackage_ReadsBackEveryRecord()
    {
        foreach (var file in Directory.GetFiles(Fixture))
            File.Copy(file, _dir.Sub(Path.GetFileName(file)));

        using var log = LogHarness.Open(_dir.Path, new WalOptions { SegmentBytes = 16 << 10, PrepareSegmentsInBackground = false });
        var records = LogHarness.ReadAll(log);

        Assert.Null(log.Corruption);
        Assert.Equal(Lengths.Length + 1, log.Status.NextLsn);
        Assert.InRange(log.Status.FirstLsn, 1, 4);
        Assert.Equal(Lengths.Length - log.Status.FirstLsn + 1, records.Count);
        foreach (var record in records)
            Assert.Equal(LogHarness.Payload(record.Lsn, Lengths[record.Lsn - 1]), record.Data);
    }

    [Fact]
    public void SegmentHeaderCrc_InTheFixture_IsStandardCrc32C()
    {
        var header = File.ReadAllBytes(Directory.GetFiles(Fixture).Order(StringComparer.Ordinal).First()).AsSpan(0, 64);

        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(header[60..]), Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, header[..60]));
    }

    [Fact]
    public void Crc32C_OfTheStandardCheckInput_IsTheCatalogueValue()
        => Assert.Equal(0xE3069283u, Wal.Format.Crc32C.Compute("123456789"u8));
}
