using CrashLab.Harness.Oracle;
using CrashLab.Protocol;

namespace CrashLab.Testing.Running;

/// <summary>A log under test that has just recovered, as the harness's recovery judge sees any backend.</summary>
internal sealed class RecoveredLog(ILogUnderTest log) : IRecoveredLog
{
    private const int PageRecords = 1000;

    public ReadyEvent Ready { get; } = new(log.FirstLsn, log.NextLsn, null, null, "CrashLab.Testing");

    public Task<LogFetcher.Page> ReadAsync(long fromLsn)
    {
        try
        {
            var records = log.ReadFrom(fromLsn).Take(PageRecords).Select((data, i) => (fromLsn + i, (ReadOnlyMemory<byte>)data)).ToList();
            return Task.FromResult(new LogFetcher.Page(records, fromLsn + records.Count));
        }
#pragma warning disable CA1031 // any exception of the log under test is its answer: a failed read
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromResult(LogFetcher.Page.Failed(ErrorCode.Io, $"{e.GetType().Name}: {e.Message}"));
        }
    }

    public async Task<AppendAnswer> AppendAsync(IReadOnlyList<byte[]> records, bool sync)
    {
        try
        {
            var first = await log.AppendAsync(records, sync).ConfigureAwait(false);
            var last = first + records.Count - 1;
            return new AppendAnswer(true, first, last, sync ? last : null);
        }
#pragma warning disable CA1031 // any exception of the log under test is its answer: a failed append
        catch (Exception e)
#pragma warning restore CA1031
        {
            return AppendAnswer.Failed(ErrorCode.Io, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
