namespace CrashLab.Storage;

/// <summary>An open file: positional I/O plus the two flavours of flush.</summary>
public interface IStorageFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; fewer only at end of file.</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>, or throws.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Grows or shrinks the file (ftruncate). Durable after <see cref="Sync"/>.</summary>
    void SetLength(long length);

    /// <summary>Reserves space so later writes below <paramref name="length"/> cannot hit ENOSPC (fallocate).</summary>
    void Preallocate(long length);

    /// <summary>fdatasync: makes written data durable (and size changes needed to read it).</summary>
    void DataSync();

    /// <summary>fsync: data and all metadata.</summary>
    void Sync();
}
