using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// A backend that has just recovered, as the <see cref="RecoveryJudge"/> sees it: its ready event,
/// reads of its log, and appends. Over the protocol (<see cref="ProtocolLog"/>) or an engine in process.
/// </summary>
public interface IRecoveredLog
{
    ReadyEvent Ready { get; }

    Task<LogFetcher.Page> ReadAsync(long fromLsn);

    /// <summary>Appends a batch; throws <see cref="BackendExitedException"/> if the backend dies on it.</summary>
    Task<AppendAnswer> AppendAsync(IReadOnlyList<byte[]> records, bool sync);
}

/// <summary>The answer to an append: its LSNs (and durable LSN if synced), or an error code and message.</summary>
public sealed record AppendAnswer(bool Ok, long FirstLsn, long LastLsn, long? DurableLsn, string? Error = null, string? Message = null)
{
    public static AppendAnswer Failed(string error, string message) => new(false, 0, 0, null, error, message);
}
