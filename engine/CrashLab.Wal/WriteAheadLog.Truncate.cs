using CrashLab.Storage;

namespace CrashLab.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Makes <paramref name="beforeLsn"/> the logical start: a durable marker frame records it, then
    /// whole segments below it are deleted. Returns the new first LSN.
    /// </summary>
    public async ValueTask<long> TruncateAsync(long beforeLsn)
    {
        long sequence;
        lock (_lock)
        {
            ThrowIfUnusable();
            if (beforeLsn < 1 || beforeLsn > _tail.NextLsn)
                throw new WalException(WalErrorKind.BadRequest, $"before_lsn {beforeLsn} is outside 1..{_tail.NextLsn} (next_lsn)");
            if (beforeLsn <= _firstLsn)
                return _firstLsn;
            PrepareSegments(_tail.SegmentsNeededForMarker());
            var marker = _options.Is(Mutant.TruncateOffByOne) ? beforeLsn + 1 : beforeLsn;
            Encode(() => _tail.EncodeTruncation(marker, _durableLsn));
            sequence = ++_encodedSeq;
            _firstLsn = beforeLsn;
        }

        await FlushToAsync(sequence, durable: true).ConfigureAwait(false);
        if (DeleteSegmentsBelow(beforeLsn))
        {
            try
            {
                _fs.SyncDirectory(_directory);
            }
            catch (StorageException e)
            {
                // The marker is durable, so an undone unlink only leaves extra old records: harmless.
                throw new WalException(WalErrorKind.Io, $"truncation marker is durable but the directory sync failed: {e.Message}", e);
            }
        }

        return beforeLsn;
    }

    /// <summary>Deletes, oldest first, segments whose every record is below <paramref name="beforeLsn"/>; never the active one.</summary>
    private bool DeleteSegmentsBelow(long beforeLsn)
    {
        var deleted = false;
        lock (_lock)
        {
            while (_segments.Count > 1 && _segments[1].FirstLsn < beforeLsn && !ReferenceEquals(_segments[0], _tail.Active))
            {
                var oldest = _segments[0];
                _segments.RemoveAt(0);
                _index.RemoveSegment(oldest);
                _unsynced.Remove(oldest);
                oldest.Dispose();
                try
                {
                    _fs.Delete(oldest.File.Path);
                }
                catch (StorageException e)
                {
                    throw new WalException(WalErrorKind.Io, $"could not delete {oldest}: {e.Message}", e);
                }

                deleted = true;
            }
        }

        return deleted;
    }
}
