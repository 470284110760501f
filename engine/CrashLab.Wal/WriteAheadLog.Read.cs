using CrashLab.Wal.Reading;

namespace CrashLab.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Consecutive records from <paramref name="fromLsn"/>: at most <paramref name="maxRecords"/>, and
    /// no more than <paramref name="maxBytes"/> of data except that one record is always returned.
    /// </summary>
    public ReadResult Read(long fromLsn, int maxRecords, long maxBytes)
    {
        if (maxRecords < 1 || maxBytes < 0)
            throw new WalException(WalErrorKind.BadRequest, "max_records must be at least 1 and max_bytes at least 0");
        long sequence;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (fromLsn < _firstLsn || fromLsn > _tail.NextLsn)
                throw new WalException(WalErrorKind.BadRequest, $"from_lsn {fromLsn} is outside {_firstLsn}..{_tail.NextLsn}");
            if (fromLsn == _tail.NextLsn)
                return new ReadResult([], fromLsn);
            sequence = _encodedSeq;
        }

        if (_poison == null)
            FlushTo(sequence, durable: false);
        lock (_lock)
        {
            if (fromLsn > _writtenLsn)
                throw _poison ?? new WalException(WalErrorKind.Io, "records are not readable");
            try
            {
                return LogReader.Read(_segments, _index, fromLsn, _writtenLsn + 1, maxRecords, maxBytes, _options);
            }
            catch (Storage.StorageException e)
            {
                throw new WalException(WalErrorKind.Io, $"read failed: {e.Message}", e);
            }
        }
    }
}
