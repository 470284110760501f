using CrashLab.Storage;
using CrashLab.Wal.Format;

namespace CrashLab.Wal;

/// <summary>An open segment file of the live log.</summary>
internal sealed class Segment(long number, long firstLsn, long size, ulong logId, IStorageFile file) : IDisposable
{
    public long Number { get; } = number;

    /// <summary>LSN of the first frame in the segment (which may continue a record begun earlier).</summary>
    public long FirstLsn { get; } = firstLsn;

    public long Size { get; } = size;

    public IStorageFile File { get; } = file;

    public FrameSalt Salt { get; } = new(logId, number);

    /// <summary>A read of it failed and was taken for the end of the log (the read-error mutants only).</summary>
    public bool ReadFailedAsEnd { get; set; }

    public void Dispose() => File.Dispose();

    public override string ToString() => $"segment {Number} ({File.Path})";
}
