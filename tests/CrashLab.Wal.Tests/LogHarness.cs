using CrashLab.Storage.Physical;

namespace CrashLab.Wal.Tests;

/// <summary>Small helpers shared by the WAL tests: open with test settings, make payloads, read everything.</summary>
internal static class LogHarness
{
    public static readonly WalOptions Small = new() { SegmentBytes = 64 << 10, PrepareSegmentsInBackground = false };

    public static WriteAheadLog Open(string directory, WalOptions? options = null)
        => WriteAheadLog.Open(PhysicalFileSystem.Instance, directory, options ?? Small);

    public static byte[] Payload(long lsn, int length)
    {
        var data = new byte[length];
        new Random((int)lsn * 7919 + length).NextBytes(data);
        return data;
    }

    public static ReadOnlyMemory<byte>[] Batch(params byte[][] records) => [.. records.Select(r => (ReadOnlyMemory<byte>)r)];

    public static List<LogRecord> ReadAll(WriteAheadLog log)
    {
        var all = new List<LogRecord>();
        var status = log.Status;
        var next = status.FirstLsn;
        while (next < status.NextLsn)
        {
            var result = log.Read(next, 1000, 8 << 20);
            all.AddRange(result.Records);
            next = result.NextLsn;
        }

        return all;
    }
}
