namespace CrashLab.Storage.Faults.Model;

/// <summary>The bytes of one inode: a growable buffer with a logical length.</summary>
public sealed class FileData
{
    private byte[] _bytes;

    public FileData(ReadOnlySpan<byte> content)
    {
        _bytes = content.ToArray();
        Length = content.Length;
    }

    public long Length { get; private set; }

    public ReadOnlySpan<byte> Content => _bytes.AsSpan(0, (int)Length);

    public FileData Clone() => new(Content);

    public int Read(long offset, Span<byte> destination)
    {
        if (offset >= Length)
            return 0;
        var n = (int)Math.Min(destination.Length, Length - offset);
        _bytes.AsSpan((int)offset, n).CopyTo(destination);
        return n;
    }

    /// <summary>Bytes in [offset, offset+count) that exist (the file may be shorter).</summary>
    public byte[] Slice(long offset, int count)
    {
        var n = (int)Math.Clamp(Length - offset, 0, count);
        return n == 0 ? [] : _bytes.AsSpan((int)offset, n).ToArray();
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        EnsureCapacity(offset + data.Length);
        if (offset > Length)
            _bytes.AsSpan((int)Length, (int)(offset - Length)).Clear();
        data.CopyTo(_bytes.AsSpan((int)offset));
        Length = Math.Max(Length, offset + data.Length);
    }

    public void SetLength(long length)
    {
        EnsureCapacity(length);
        if (length > Length)
            _bytes.AsSpan((int)Length, (int)(length - Length)).Clear();
        Length = length;
    }

    private void EnsureCapacity(long needed)
    {
        if (needed > int.MaxValue)
            throw new StorageException(StorageErrorKind.NoSpace, Errno.EFBIG, "write", "(simulated file)");
        if (needed > _bytes.Length)
            Array.Resize(ref _bytes, (int)Math.Max(needed, Math.Min(int.MaxValue, _bytes.Length * 2L)));
    }
}
