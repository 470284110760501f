using CrashLab.Wal.Format;

namespace CrashLab.Wal.Reading;

/// <summary>
/// Reads and verifies frames of one segment through a read-ahead window, so that scanning costs one
/// large read per megabyte rather than two small ones per frame. Used by recovery and by reads.
/// </summary>
internal sealed class FrameCursor
{
    private const int WindowSize = 1 << 20;
    private readonly Segment _segment;
    private readonly long _fileLength;
    private byte[] _window = new byte[WindowSize];
    private long _windowStart;
    private int _windowLength;

    public FrameCursor(Segment segment)
    {
        _segment = segment;
        _fileLength = segment.File.Length;
    }

    public Segment Segment => _segment;

    public long FileLength => _fileLength;

    /// <summary>Why the last call returned <see cref="FrameStatus.Invalid"/>.</summary>
    public string Problem { get; private set; } = "";

    public FrameStatus TryRead(long offset, out FrameHeader header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (offset + FrameHeader.Size > _segment.Size)
            return FrameStatus.NoRoom;

        var head = Bytes(offset, FrameHeader.Size);
        if (head.Length < FrameHeader.Size)
            return Reject("file ends inside a frame header");
        header = FrameHeader.Read(head, out var crc, out var reserved);
        if (header.Offset != offset)
            return Reject(header.Offset == 0 && header.Lsn == 0 ? "zeros (end of written data)" : $"frame claims offset {header.Offset}");
        if (reserved != 0 || header.Kind is < FrameKind.Full or > FrameKind.Truncate)
            return Reject("malformed frame header");
        var size = FrameHeader.FrameSize(checked((int)Math.Min(header.Length, int.MaxValue - 64)));
        if (header.Length > WalLimits.MaxRecordBytes || offset + size > _segment.Size)
            return Reject($"frame length {header.Length} does not fit");

        var frame = Bytes(offset, FrameHeader.Size + (int)header.Length);
        if (frame.Length < FrameHeader.Size + header.Length)
            return Reject("file ends inside a frame");
        if (FrameHeader.ComputeCrc(_segment.Seed, frame) != crc)
            return Reject("checksum mismatch");
        payload = frame[FrameHeader.Size..];
        return FrameStatus.Valid;
    }

    /// <summary>Up to <paramref name="count"/> bytes at <paramref name="offset"/>; fewer only at end of file.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int count)
    {
        if (offset < _windowStart || offset + count > _windowStart + _windowLength)
            Fill(offset, count);
        var start = (int)(offset - _windowStart);
        return _window.AsSpan(start, Math.Min(count, _windowLength - start));
    }

    private void Fill(long offset, int count)
    {
        if (count > _window.Length)
            _window = new byte[count + WindowSize];
        var want = (int)Math.Min(_window.Length, Math.Max(0, _fileLength - offset));
        _windowStart = offset;
        _windowLength = want > 0 ? _segment.File.Read(offset, _window.AsSpan(0, want)) : 0;
    }

    private FrameStatus Reject(string problem)
    {
        Problem = problem;
        return FrameStatus.Invalid;
    }
}
