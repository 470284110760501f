using System.Buffers.Binary;
using CrashLab.Wal.Format;
using CrashLab.Wal.Reading;

namespace CrashLab.Wal.Recovery;

/// <summary>
/// Walks the chain frame by frame, verifying each, and remembers the end of the last complete
/// atomic unit. It stops at the first frame that is not exactly what must come next; deciding
/// whether that is a torn tail or damage is <see cref="DamageClassifier"/>'s job.
/// </summary>
internal sealed class LogScanner(IReadOnlyList<Segment> chain, WalOptions options)
{
    private readonly ScanResult _result = new();
    private readonly List<LogIndex.Entry> _unitIndex = [];
    private int _segmentIndex;
    private long _offset = SegmentHeader.DataStart;
    private long _expected;
    private bool _inRecord;
    private long _recordBytes;
    private bool _inUnit;
    private bool _leading = true;
    private bool _segmentHasRecordStart;
    private long _unitRecords;
    private long _unitBytes;

    /// <param name="cursor">A cursor on the chain's first segment, moved along it (recovery's later passes reuse its window).</param>
    public ScanResult Run(FrameCursor cursor)
    {
        _expected = chain[0].FirstLsn;
        Commit();
        while (true)
        {
            var status = cursor.TryRead(_offset, out var header, out var payload);
            if (status != FrameStatus.Valid && options.Is(Mutant.SkipBadRecord) && SkipTo(cursor))
                continue;
            if (status != FrameStatus.Valid)
                return Stop(status == FrameStatus.NoRoom ? "no room for a frame before the segment end" : cursor.Problem);

            var problem = Accept(header, payload);
            if (problem != null)
                return Stop(problem);

            if (header.Kind == FrameKind.SegmentEnd)
            {
                var next = _segmentIndex + 1;
                if (next >= chain.Count || chain[next].FirstLsn != header.Lsn)
                {
                    _result.ChainBroken = true;
                    return Stop(next >= chain.Count
                        ? $"segment {chain[_segmentIndex].Number + 1}, which the log continues into, is missing or invalid"
                        : $"segment {chain[next].Number} starts at LSN {chain[next].FirstLsn}, expected {header.Lsn}");
                }

                _segmentIndex = next;
                _offset = SegmentHeader.DataStart;
                _segmentHasRecordStart = false;
                cursor.MoveTo(chain[next]);
                continue;
            }

            _offset += header.FrameSize();
            if (header.IsBatchEnd && header.Kind != FrameKind.SegmentEnd)
                Commit();
        }
    }

    /// <summary>The skip-bad-record mutant: jump to the next valid record start and carry on from its LSN.</summary>
    private bool SkipTo(FrameCursor cursor)
    {
        var at = cursor.NextValidRecordStart(_offset);
        if (at < 0 || !cursor.TryReadHeader(at, out var header) || header.Lsn < _expected)
            return false;
        (_offset, _expected, _inRecord) = (at, header.Lsn, false);
        return true;
    }

    private string? Accept(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        switch (header.Kind)
        {
            case FrameKind.Full or FrameKind.First:
                if (_inRecord || header.Lsn != _expected || header.RecordOffset != 0)
                    return $"frame for LSN {header.Lsn} where LSN {_expected} must start";
                _leading = false;
                _result.FirstRecordLsn ??= header.Lsn;
                if (LogIndex.Wants(header.Lsn, !_segmentHasRecordStart))
                    _unitIndex.Add(new LogIndex.Entry(header.Lsn, chain[_segmentIndex], _offset));
                _segmentHasRecordStart = true;
                _inUnit = true;
                _unitBytes += header.Length;
                if (header.Kind == FrameKind.Full)
                    EndRecord();
                else
                    (_inRecord, _recordBytes) = (true, header.Length);
                return null;

            case FrameKind.Middle or FrameKind.Last:
                // The oldest segment may open inside a record whose start was truncated away.
                var continuesTruncated = _leading && !_inRecord && header.Lsn == _expected;
                if (continuesTruncated)
                    (_inRecord, _recordBytes) = (true, header.RecordOffset);
                if (!_inRecord || header.Lsn != _expected || header.RecordOffset != _recordBytes)
                    return $"fragment of LSN {header.Lsn} at record offset {header.RecordOffset} does not continue LSN {_expected} at {_recordBytes}";
                _recordBytes += header.Length;
                if (!continuesTruncated)
                    _unitBytes += header.Length;
                _inUnit = true;
                if (header.Kind == FrameKind.Last)
                    EndRecord();
                return null;

            case FrameKind.SegmentEnd:
                return header.Lsn == _expected && header.Length == 0 ? null : $"segment end names LSN {header.Lsn}, expected {_expected}";

            case FrameKind.Truncate:
                if (_inRecord || _inUnit || header.Lsn != _expected || header.Length != 8 || !header.IsBatchEnd)
                    return "truncation marker out of place";
                var start = BinaryPrimitives.ReadInt64LittleEndian(payload);
                if (start > header.Lsn)
                    return $"truncation marker to LSN {start} beyond its own LSN {header.Lsn}";
                _result.LogicalStart = Math.Max(_result.LogicalStart, start);
                return null;

            default:
                return "unknown frame kind";
        }
    }

    private void EndRecord()
    {
        _inRecord = false;
        _expected++;
        _unitRecords++;
    }

    private void Commit()
    {
        _result.Cut = new LogPosition(_segmentIndex, _offset);
        _result.NextLsn = _expected;
        _result.Records += _unitRecords;
        _result.Bytes += _unitBytes;
        foreach (var entry in _unitIndex)
            _result.Index.Add(entry);
        _unitIndex.Clear();
        _inUnit = false;
        _unitRecords = 0;
        _unitBytes = 0;
    }

    private ScanResult Stop(string reason)
    {
        _result.Stop = new LogPosition(_segmentIndex, _offset);
        _result.StopReason = reason;
        if (_result.FirstRecordLsn >= _result.NextLsn)
            _result.FirstRecordLsn = null;
        return _result;
    }
}
