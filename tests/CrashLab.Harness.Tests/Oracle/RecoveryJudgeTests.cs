using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>The one judge of a start: refusals are honest only after media faults, and every accepted recovery must take a durable probe.</summary>
public sealed class RecoveryJudgeTests
{
    private readonly History _h = new();

    [Fact]
    public void Refusal_OnAStateOnlyCrashesProduced_IsALivenessViolation()
    {
        var verdict = new RecoveryJudge(_h.Model, faultsExplainRefusal: false).Refusal("answered fatal (no)");

        Assert.Equal(Rules.Liveness, verdict.Violation?.Rule);
    }

    [Fact]
    public void Refusal_AfterAMediaFault_IsHonest()
    {
        var verdict = new RecoveryJudge(_h.Model, faultsExplainRefusal: true).Refusal("answered fatal (damaged)");

        Assert.Equal(RecoveryVerdict.Kind.Refused, verdict.Outcome);
        Assert.Contains("answered fatal (damaged)", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judge_CleanRecovery_AcceptsItAndTheDurableProbe()
    {
        var a = _h.Append(2, BatchState.Durable);
        var log = new FakeLog(History.Ready(1, 3), [.. _h.All(a)]);

        var verdict = await new RecoveryJudge(_h.Model, faultsExplainRefusal: false).JudgeAsync(log);

        Assert.Equal(RecoveryVerdict.Kind.Accepted, verdict.Outcome);
        Assert.True(verdict.DurableDataAtRisk);
        Assert.Equal(3, _h.Model.DurableLsn);
    }

    [Fact]
    public async Task Judge_ProbeRefusedWithoutFaults_IsALivenessViolation()
    {
        var log = new FakeLog(History.Ready(1, 1), []) { Answer = AppendAnswer.Failed("no_space", "full") };

        var verdict = await new RecoveryJudge(_h.Model, faultsExplainRefusal: false).JudgeAsync(log);

        Assert.Equal(Rules.Liveness, verdict.Violation?.Rule);
    }

    [Fact]
    public async Task Judge_ProbeRefusedAfterAMediaFault_IsHonest()
    {
        var log = new FakeLog(History.Ready(1, 1), []) { Answer = AppendAnswer.Failed("no_space", "full") };

        var verdict = await new RecoveryJudge(_h.Model, faultsExplainRefusal: true).JudgeAsync(log);

        Assert.Null(verdict.Violation);
    }

    [Fact]
    public async Task Judge_UnderInjectedReadErrors_LeavesTheModelUnaccepted()
    {
        var a = _h.Append(2, BatchState.Durable);
        var log = new FakeLog(History.Ready(1, 3), [.. _h.All(a)]) { ReadError = true };
        _h.Model.InjectMediaFault();

        var verdict = await new RecoveryJudge(_h.Model, faultsExplainRefusal: true, readErrorsInjected: true).JudgeAsync(log);

        Assert.Equal(RecoveryVerdict.Kind.Unjudged, verdict.Outcome);
        Assert.Single(_h.Model.Pending);
    }

    private sealed class FakeLog(ReadyEvent ready, List<byte[]> records) : IRecoveredLog
    {
        public ReadyEvent Ready => ready;

        public AppendAnswer? Answer { get; init; }

        public bool ReadError { get; init; }

        public Task<LogFetcher.Page> ReadAsync(long fromLsn) => Task.FromResult(ReadError
            ? LogFetcher.Page.Failed("io", "injected")
            : new LogFetcher.Page([.. records.Skip((int)(fromLsn - ready.FirstLsn)).Select((r, i) => (fromLsn + i, (ReadOnlyMemory<byte>)r))], ready.NextLsn));

        public Task<AppendAnswer> AppendAsync(IReadOnlyList<byte[]> batch, bool sync)
            => Task.FromResult(Answer ?? new AppendAnswer(true, ready.NextLsn, ready.NextLsn, ready.NextLsn));
    }
}
