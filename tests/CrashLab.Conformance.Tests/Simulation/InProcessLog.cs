using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Wal;

namespace CrashLab.Conformance.Tests.Simulation;

/// <summary>The reference engine in process, as the harness's recovery judge sees a backend.</summary>
internal sealed class InProcessLog(WriteAheadLog log) : IRecoveredLog
{
    public ReadyEvent Ready { get; } = new(log.Status.FirstLsn, log.Status.NextLsn, log.Corruption?.Lsn, log.Corruption?.Detail, "sim");

    public Task<LogFetcher.Page> ReadAsync(long fromLsn)
    {
        try
        {
            var read = log.Read(fromLsn, 1000, 4 << 20);
            return Task.FromResult(new LogFetcher.Page([.. read.Records.Select(r => (r.Lsn, (ReadOnlyMemory<byte>)r.Data))], read.NextLsn));
        }
        catch (WalException e)
        {
            return Task.FromResult(LogFetcher.Page.Failed(e.Kind == WalErrorKind.Io ? "io" : e.Kind.ToString(), e.Message));
        }
    }

    public async Task<AppendAnswer> AppendAsync(IReadOnlyList<byte[]> records, bool sync)
    {
        try
        {
            var result = await log.AppendAsync([.. records.Select(r => (ReadOnlyMemory<byte>)r)], sync).ConfigureAwait(false);
            return new AppendAnswer(true, result.FirstLsn, result.FirstLsn + records.Count - 1, result.DurableLsn);
        }
        catch (WalException e)
        {
            return AppendAnswer.Failed(e.Kind.ToString(), e.Message);
        }
    }
}
