using System.Text.Json;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>Replies are judged as they arrive: acknowledgements that contradict what was sent, or each other, are violations.</summary>
public sealed class ReplyJudgeTests
{
    private readonly History _h = new();

    [Fact]
    public void Sync_DurableLsnBelowABatchSentBeforeIt_Fails()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);
        var batch = _h.Model.Issue([new(0, 0, 8), new(0, 1, 8)]);
        var onAppend = judge.OnAppend(batch, sync: false);
        var onSync = judge.OnSync();

        onAppend(Reply("""{"id":1,"ok":true,"first_lsn":1,"last_lsn":2}"""));
        onSync(Reply("""{"id":2,"ok":true,"durable_lsn":1}"""));

        Assert.Equal(Rules.Durability, Assert.Single(judge.Violations).Rule);
    }

    [Fact]
    public void Sync_AnsweredBeforeTheAppendItCovers_IsJudgedWhenTheAppendArrives()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);
        var batch = _h.Model.Issue([new(0, 0, 8)]);
        var onAppend = judge.OnAppend(batch, sync: false);
        var onSync = judge.OnSync();

        onSync(Reply("""{"id":2,"ok":true,"durable_lsn":0}"""));
        Assert.Empty(judge.Violations);
        onAppend(Reply("""{"id":1,"ok":true,"first_lsn":1,"last_lsn":1}"""));

        Assert.Equal(Rules.Durability, Assert.Single(judge.Violations).Rule);
    }

    [Fact]
    public void Sync_CoveringEveryBatchSentBefore_Passes()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);
        var batch = _h.Model.Issue([new(0, 0, 8)]);
        var onAppend = judge.OnAppend(batch, sync: false);
        var onSync = judge.OnSync();
        var later = _h.Model.Issue([new(1, 0, 8)]);
        var onLater = judge.OnAppend(later, sync: false);

        onAppend(Reply("""{"id":1,"ok":true,"first_lsn":1,"last_lsn":1}"""));
        onSync(Reply("""{"id":2,"ok":true,"durable_lsn":1}"""));
        onLater(Reply("""{"id":3,"ok":true,"first_lsn":2,"last_lsn":2}"""));

        Assert.Empty(judge.Violations);
        Assert.Equal(1, _h.Model.DurableLsn);
    }

    [Fact]
    public void Append_LaterBatchAcknowledgedAtALowerLsn_FailsAsReordered()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);
        var first = judge.OnAppend(_h.Model.Issue([new(0, 0, 8)]), sync: false);
        var second = judge.OnAppend(_h.Model.Issue([new(1, 0, 8)]), sync: false);

        second(Reply("""{"id":2,"ok":true,"first_lsn":1,"last_lsn":1}"""));
        first(Reply("""{"id":1,"ok":true,"first_lsn":2,"last_lsn":2}"""));

        Assert.Contains("reordered", Assert.Single(judge.Violations).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stat_DurableLsnGoingBack_Fails()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);
        judge.OnStat()(Reply("""{"id":1,"ok":true,"first_lsn":1,"next_lsn":5,"durable_lsn":4}"""));
        judge.OnStat()(Reply("""{"id":2,"ok":true,"first_lsn":1,"next_lsn":5,"durable_lsn":2}"""));

        Assert.Equal(Rules.Durability, Assert.Single(judge.Violations).Rule);
    }

    [Fact]
    public void Read_NoRecordsBelowTheAcknowledgedEnd_Fails()
    {
        var batch = _h.Append(2);
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);

        judge.OnRead(1, tolerateBadRequest: false)(Reply("""{"id":1,"ok":true,"records":[],"next_lsn":1}"""));

        Assert.Equal(Rules.Contiguity, Assert.Single(judge.Violations).Rule);
        Assert.Equal(2, batch.Records.Length);
    }

    [Fact]
    public void Append_RefusedWithoutAnyFault_Fails()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: false);
        judge.OnAppend(_h.Model.Issue([new(0, 0, 8)]), sync: true)(Reply("""{"id":1,"ok":false,"error":"no_space","message":"full"}"""));

        Assert.Equal(Rules.Liveness, Assert.Single(judge.Violations).Rule);
    }

    [Fact]
    public void Append_RefusedUnderFaults_IsHonest()
    {
        var judge = new ReplyJudge(_h.Model, faultsPossible: true);
        var batch = _h.Model.Issue([new(0, 0, 8)]);
        judge.OnAppend(batch, sync: true)(Reply("""{"id":1,"ok":false,"error":"no_space","message":"full"}"""));

        Assert.Empty(judge.Violations);
        Assert.Equal(BatchState.Failed, batch.State);
    }

    /// <summary>A reply as the parser reads it, for the request its fields answer.</summary>
    private static Reply Reply(string json)
    {
        var element = JsonDocument.Parse(json).RootElement;
        bool Has(string field) => element.TryGetProperty(field, out _);
        Request sent = Has(Field.Records) ? new ReadRequest(1)
            : Has(Field.LastLsn) || Has(Field.Error) ? new AppendRequest([], Has(Field.DurableLsn))
            : Has(Field.NextLsn) ? new StatRequest()
            : Has(Field.DurableLsn) ? new SyncRequest()
            : new TruncateRequest(1);
        return BackendLineParser.ParseReply(element.GetProperty(Field.Id).GetInt64(), element, sent);
    }
}
