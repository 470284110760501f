namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// The bytes of one inode: a growable buffer with a logical length. A clone shares the buffer
/// until either side changes (copy on write): a crash state copies a whole file-system image, and
/// most of its files are never written again before the state is thrown away.
/// </summary>
public sealed class FileData
{
    private byte[] _bytes;

    /// <summary>Another FileData may hold <see cref="_bytes"/> too: copy them before the first change.</summary>
    private bool _shared;

    public FileData(ReadOnlySpan<byte> content)
    {
        _bytes = content.ToArray();
        Length = content.Length;
    }

    private FileData(byte[] bytes, long length)
    {
        (_bytes, Length, _shared) = (bytes, length, true);
    }

    public long Length { get; private set; }

    public ReadOnlySpan<byte> Content => _bytes.AsSpan(0, (int)Length);

    public FileData Clone()
    {
        _shared = true;
        return new FileData(_bytes, Length);
    }

    /// <summary>
    /// Whether both hold the same bytes: at once when they still share one buffer (a buffer is
    /// copied before any change while shared), else by comparing them.
    /// </summary>
    public bool SameBytes(FileData other)
        => Length == other.Length && (ReferenceEquals(_bytes, other._bytes) || Content.SequenceEqual(other.Content));

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
        {
            Array.Resize(ref _bytes, (int)Math.Max(needed, Math.Min(int.MaxValue, _bytes.Length * 2L)));
            _shared = false;
        }
        else if (_shared)
        {
            _bytes = (byte[])_bytes.Clone();
            _shared = false;
        }
    }
}
