using CrashLab.Storage;
using CrashLab.Testing;

namespace Acme.Ledger.Tests;

/// <summary>The ledger as CrashLab drives it: five lines of adapter, written once.</summary>
public sealed class LedgerUnderTest(LedgerLog log) : ILogUnderTest
{
    public long FirstLsn => log.FirstLsn;

    public long NextLsn => log.NextLsn;

    /// <summary>
    /// Opens the ledger with small segments (so workloads cross segment boundaries) and the
    /// teaching bug named by ACME_LEDGER_BUG (ack-before-fsync, rename-without-fsync), if any.
    /// </summary>
    public static ILogUnderTest Open(IFileSystem fs, string directory) => With(BugFromEnvironment())(fs, directory);

    /// <summary>Opens the ledger with small segments and the given teaching bug.</summary>
    public static Func<IFileSystem, string, ILogUnderTest> With(LedgerBug bug)
        => (fs, directory) => new LedgerUnderTest(LedgerLog.Open(fs, directory, new LedgerOptions { SegmentBytes = 2048, Bug = bug }));

    public Task<long> AppendAsync(IReadOnlyList<byte[]> records, bool durable) => log.AppendAsync(records, durable);

    public IEnumerable<byte[]> ReadFrom(long fromLsn) => log.ReadFrom(fromLsn);

    public Task TruncateAsync(long beforeLsn)
    {
        log.Truncate(beforeLsn);
        return Task.CompletedTask;
    }

    public void Dispose() => log.Dispose();

    private static LedgerBug BugFromEnvironment() => Environment.GetEnvironmentVariable("ACME_LEDGER_BUG") switch
    {
        null or "" => LedgerBug.None,
        "ack-before-fsync" => LedgerBug.AckBeforeFsync,
        "rename-without-fsync" => LedgerBug.RenameWithoutFsync,
        var other => throw new ArgumentException($"ACME_LEDGER_BUG={other}: expected ack-before-fsync or rename-without-fsync"),
    };
}
