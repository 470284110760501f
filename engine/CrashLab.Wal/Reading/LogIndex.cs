namespace CrashLab.Wal.Reading;

/// <summary>
/// A sparse map from LSN to the place a record starts: every 32nd record and the first record
/// start of each segment. A read seeks to the nearest entry at or below its LSN and scans forward.
/// </summary>
internal sealed class LogIndex
{
    public const int Stride = 32;
    private readonly List<Entry> _entries = [];

    public readonly record struct Entry(long Lsn, Segment Segment, long Offset);

    public static bool Wants(long lsn, bool firstInSegment) => firstInSegment || lsn % Stride == 0;

    public void Add(Entry entry) => _entries.Add(entry);

    public Entry? Floor(long lsn)
    {
        int lo = 0, hi = _entries.Count - 1;
        Entry? best = null;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries[mid].Lsn <= lsn)
            {
                best = _entries[mid];
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return best;
    }

    /// <summary>Forgets entries of records from <paramref name="lsn"/> on (a cut tail).</summary>
    public void RemoveFrom(long lsn) => _entries.RemoveAll(e => e.Lsn >= lsn);

    /// <summary>Forgets entries that point into a deleted segment.</summary>
    public void RemoveSegment(Segment segment) => _entries.RemoveAll(e => ReferenceEquals(e.Segment, segment));
}
