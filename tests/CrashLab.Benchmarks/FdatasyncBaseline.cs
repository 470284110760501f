using CrashLab.Storage;
using CrashLab.Storage.Physical;

namespace CrashLab.Benchmarks;

/// <summary>
/// F: single 128-byte write + fdatasync pairs, appended through a pre-zeroed file (the cheapest
/// durable write this disk offers, since fdatasync then need not update the inode). With a larger
/// <c>bytes</c>, the same loop gives the rate of one whole group commit's write + fdatasync.
/// </summary>
internal static class FdatasyncBaseline
{
    public static double Measure(string directory, bool preZeroed, int bytes = 128)
    {
        var path = Path.Combine(directory, preZeroed ? "baseline-zeroed" : "baseline-growing");
        using var file = PhysicalFileSystem.Instance.Open(path, OpenMode.CreateNew);
        const long Size = 256L << 20;
        if (preZeroed)
        {
            var zeros = new byte[1 << 20];
            for (long at = 0; at < Size; at += zeros.Length)
                file.Write(at, zeros);
            file.Sync();
        }

        var record = new byte[bytes];
        long offset = 0;
        var rate = Rate.MeasureInline(() =>
        {
            // Wrap before the end, so a large write never grows the pre-zeroed file.
            if (offset + bytes > Size)
                offset = 0;
            file.Write(offset, record);
            file.DataSync();
            offset += record.Length;
        });
        File.Delete(path);
        return rate;
    }
}
