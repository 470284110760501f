namespace CrashLab.Wal;

/// <summary>LSNs given to an appended batch, and its place in the flush order.</summary>
public readonly record struct AppendTicket(long FirstLsn, long LastLsn, long Sequence);

/// <summary>The outcome of an append; <see cref="DurableLsn"/> is set when the caller asked for durability.</summary>
public readonly record struct AppendResult(long FirstLsn, long LastLsn, long? DurableLsn);

/// <summary>Records <c>FirstLsn .. NextLsn-1</c> are readable; those up to <c>DurableLsn</c> survive any crash.</summary>
public readonly record struct WalStatus(long FirstLsn, long NextLsn, long DurableLsn);

/// <summary>One record read back.</summary>
public readonly record struct LogRecord(long Lsn, byte[] Data);

/// <summary>Consecutive records and the LSN to ask for next.</summary>
public sealed record ReadResult(IReadOnlyList<LogRecord> Records, long NextLsn);
