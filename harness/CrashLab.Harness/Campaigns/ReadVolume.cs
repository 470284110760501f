namespace CrashLab.Harness.Campaigns;

/// <summary>
/// How much of the recovered logs the judge read, summed over every judged start in this process
/// (the benchmarks print it per start beside <see cref="StageTimes"/>): whether a state's read is
/// dear because the log is long or because each record costs much.
/// </summary>
public static class ReadVolume
{
    private static long _logs;
    private static long _records;
    private static long _bytes;

    /// <summary>One recovered log read to its end (or to the first violation): its records and payload bytes.</summary>
    public static void Add(long records, long bytes)
    {
        Interlocked.Increment(ref _logs);
        Interlocked.Add(ref _records, records);
        Interlocked.Add(ref _bytes, bytes);
    }

    public static void Reset()
    {
        Interlocked.Exchange(ref _logs, 0);
        Interlocked.Exchange(ref _records, 0);
        Interlocked.Exchange(ref _bytes, 0);
    }

    public static (long Logs, long Records, long Bytes) Snapshot() => (Interlocked.Read(ref _logs), Interlocked.Read(ref _records), Interlocked.Read(ref _bytes));
}
