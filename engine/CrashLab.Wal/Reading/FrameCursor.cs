using CrashLab.Wal.Format;

namespace CrashLab.Wal.Reading;

/// <summary>
/// Reads and verifies frames of one segment through a read-ahead window, so that scanning costs one
/// large read per megabyte rather than two small ones per frame. Used by recovery and by reads.
/// A walk over several segments moves one cursor from segment to segment (<see cref="MoveTo"/>), so
/// that its window is allocated once: the engine starts once per crash state, and every new page
/// it touches is a page fault.
/// </summary>
internal sealed class FrameCursor
{
    private const int WindowSize = 1 << 20;
    private readonly WalOptions _options;
    private Segment _segment;
    private long _fileLength;
    private byte[] _window;
    private int _capacity; // of _window, what this segment's reads use: the size a new cursor's window would have, so reads stay the same
    private long _windowStart;
    private int _windowLength;

    public FrameCursor(Segment segment, WalOptions options)
    {
        _segment = segment;
        _options = options;
        _fileLength = segment.File.Length;
        _window = new byte[_capacity = WindowFor(_fileLength)];
    }

    /// <summary>Goes on to another segment, keeping the window (a larger one only if that segment's file needs it).</summary>
    public FrameCursor MoveTo(Segment segment)
    {
        _segment = segment;
        _fileLength = segment.File.Length;
        (_windowStart, _windowLength) = (0, 0);
        _capacity = WindowFor(_fileLength);
        if (_window.Length < _capacity)
            _window = new byte[_capacity];
        return this;
    }

    private static int WindowFor(long fileLength) => (int)Math.Min(WindowSize, Math.Max(4096, fileLength));

    public Segment Segment => _segment;

    public long FileLength => _fileLength;

    /// <summary>Why the last call returned <see cref="FrameStatus.Invalid"/>.</summary>
    public string Problem { get; private set; } = "";

    public FrameStatus TryRead(long offset, out FrameHeader header, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!TryReadHeader(offset, out header))
            return offset + FrameHeader.Size > _segment.Size ? FrameStatus.NoRoom : FrameStatus.Invalid;
        if (header.Offset != offset)
            return Reject($"a valid frame header for offset {header.Offset} stands at offset {offset}");

        var frame = Bytes(offset, FrameHeader.Size + (int)header.Length);
        if (frame.Length < FrameHeader.Size + header.Length)
            return Reject("file ends inside a frame");
        payload = frame[FrameHeader.Size..];
        if (_options.Is(Mutant.ChecksumsNotVerified))
            return FrameStatus.Valid;
        return FrameHeader.PayloadCrcOf(payload) == header.PayloadCrc ? FrameStatus.Valid : Reject("payload checksum mismatch");
    }

    /// <summary>A header whose CRC verifies (for this segment), of a known kind, that fits in the segment; its offset field is not checked.</summary>
    public bool TryReadHeader(long offset, out FrameHeader header)
    {
        header = default;
        if (offset + FrameHeader.Size > _segment.Size)
            return Reject("no room for a frame before the segment end") == FrameStatus.Valid;
        var head = Bytes(offset, FrameHeader.Size);
        if (head.Length < FrameHeader.Size)
            return Reject("file ends inside a frame header") == FrameStatus.Valid;
        if (!FrameHeader.TryRead(head, _segment.Salt, out header))
            return Reject(head.IndexOfAnyExcept((byte)0) < 0 ? "zeros (end of written data)" : "header checksum mismatch") == FrameStatus.Valid;
        if (!header.HasKnownKind || header.Length > WalLimits.MaxRecordBytes || header.Offset + (long)header.FrameSize() > _segment.Size)
            return Reject("frame header out of range") == FrameStatus.Valid;
        return true;
    }

    /// <summary>Up to <paramref name="count"/> bytes at <paramref name="offset"/>; fewer only at end of file.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int count)
    {
        if (offset < _windowStart || offset + count > _windowStart + _windowLength)
            Fill(offset, count);
        var start = (int)(offset - _windowStart);
        return _window.AsSpan(start, Math.Max(0, Math.Min(count, _windowLength - start)));
    }

    private void Fill(long offset, int count)
    {
        if (count > _capacity)
        {
            _capacity = count + (int)Math.Min(WindowSize, _fileLength);
            if (_window.Length < _capacity)
                _window = new byte[_capacity];
        }

        var want = (int)Math.Min(_capacity, Math.Max(0, _fileLength - offset));
        _windowStart = offset;
        try
        {
            _windowLength = want > 0 ? _segment.File.Read(offset, _window.AsSpan(0, want)) : 0;
        }
        catch (Storage.StorageException) when (_options.Is(Mutant.ReadErrorAsEnd) || _options.Is(Mutant.ReadErrorCutAndReported))
        {
            _windowLength = 0;
            _segment.ReadFailedAsEnd = true;
        }
    }

    /// <summary>The next offset past <paramref name="offset"/> holding a valid record-starting frame (the skip-bad-record mutant's resync), or -1.</summary>
    public long NextValidRecordStart(long offset)
    {
        for (var at = (offset + 8) & ~7L; at + FrameHeader.Size <= _segment.Size; at += 8)
        {
            if (TryRead(at, out var header, out _) == FrameStatus.Valid && header.Kind is FrameKind.Full or FrameKind.First)
                return at;
        }

        return -1;
    }

    private FrameStatus Reject(string problem)
    {
        Problem = problem;
        return FrameStatus.Invalid;
    }
}
