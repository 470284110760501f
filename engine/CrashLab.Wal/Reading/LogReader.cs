using CrashLab.Wal.Format;

namespace CrashLab.Wal.Reading;

/// <summary>Reads records by following frames from the nearest index entry, verifying every checksum again.</summary>
internal static class LogReader
{
    public static ReadResult Read(List<Segment> segments, LogIndex index, long fromLsn, long limitLsn, int maxRecords, long maxBytes, WalOptions options)
    {
        var entry = index.Floor(fromLsn) ?? throw new WalException(WalErrorKind.Io, $"no index entry at or below LSN {fromLsn}");
        var segmentIndex = segments.IndexOf(entry.Segment);
        var cursor = new FrameCursor(segments[segmentIndex], options);
        var offset = entry.Offset;
        var records = new List<LogRecord>();
        long bytes = 0;
        var assembly = new MemoryStream();
        while (records.Count < maxRecords && fromLsn + records.Count < limitLsn)
        {
            var status = cursor.TryRead(offset, out var header, out var payload);
            if (status != FrameStatus.Valid && options.Is(Mutant.SkipBadRecord))
            {
                offset = cursor.NextValidRecordStart(offset);
                if (offset < 0)
                    break;
                continue;
            }

            if (status != FrameStatus.Valid)
                throw new WalException(WalErrorKind.Io, $"{cursor.Segment} is damaged at offset {offset}: {cursor.Problem}");
            if (header.Kind == FrameKind.SegmentEnd)
            {
                cursor.MoveTo(segments[++segmentIndex]);
                offset = SegmentHeader.DataStart;
                continue;
            }

            offset += header.FrameSize();
            if (!header.IsRecordFragment || header.Lsn < fromLsn)
                continue;
            byte[] data;
            if (header.Kind == FrameKind.Full)
            {
                data = payload.ToArray();
            }
            else
            {
                if (header.Kind == FrameKind.First)
                    assembly.SetLength(0);
                assembly.Write(payload);
                if (header.Kind != FrameKind.Last)
                    continue;
                data = assembly.ToArray();
            }

            if (records.Count > 0 && bytes + data.Length > maxBytes)
                break;
            records.Add(new LogRecord(header.Lsn, data));
            bytes += data.Length;
        }

        return new ReadResult(records, fromLsn + records.Count);
    }
}
