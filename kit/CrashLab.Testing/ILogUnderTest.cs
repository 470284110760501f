namespace CrashLab.Testing;

/// <summary>
/// Your log as the kit drives it: a thin adapter over your own API, written once in your test
/// project. The kit opens it on a fresh directory and after every crash, appends, truncates, and
/// reads back what recovery kept. Every byte your log stores must go through the
/// <see cref="CrashLab.Storage.IFileSystem"/> the kit hands to your open function.
/// </summary>
public interface ILogUnderTest : IDisposable
{
    /// <summary>The first LSN the log holds (as recovered; on an empty log, the LSN it will give first).</summary>
    long FirstLsn { get; }

    /// <summary>One past the last LSN the log holds: the LSN the next append gets.</summary>
    long NextLsn { get; }

    /// <summary>
    /// Appends a batch at consecutive LSNs and returns the first. With <paramref name="durable"/>
    /// the task may complete only once the batch (and everything before it) would survive a power
    /// loss; without, it may complete as soon as the records have LSNs. A failed append throws.
    /// </summary>
    Task<long> AppendAsync(IReadOnlyList<byte[]> records, bool durable);

    /// <summary>The records from <paramref name="fromLsn"/> to the end, in LSN order.</summary>
    IEnumerable<byte[]> ReadFrom(long fromLsn);

    /// <summary>
    /// Drops records below <paramref name="beforeLsn"/> (a checkpoint): it may keep more, never
    /// fewer. Logs that cannot truncate leave the default, and use workloads without truncation.
    /// </summary>
    Task TruncateAsync(long beforeLsn) => throw new NotSupportedException("this log does not truncate: generate workloads with truncate: false");
}
