using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>A recovered batch is recognised by its LSNs and all its bytes, and holes are allowed only where faults were injected.</summary>
public sealed class BatchIdentityTests
{
    [Fact]
    public void Match_FailedBatchOfEmptyRecordsThenOneEmptyRecord_IsNotCutInTwo()
    {
        // The open finding of 2026-11-21: a no_space batch of four empty records, then a batch of one
        // empty record acknowledged durable. Matching by first record took the recovered empty
        // record for the failed batch and called it "cut in two".
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Append(4, BatchState.Failed, size: 0);
        var c = h.Append(1, BatchState.Durable, size: 0);
        h.Model.RequestFaultsInjected = true;

        Assert.Empty(h.Recover(History.Ready(1, 4), h.All(a, c)));
    }

    [Fact]
    public void Match_TwoIdenticalUnansweredBatches_EitherMayBeTheOneRecovered()
    {
        var h = new History();
        h.Append(1, BatchState.Unanswered, size: 0);
        var b = h.Append(1, BatchState.Unanswered, size: 0);

        Assert.Empty(h.Recover(History.Ready(1, 2), h.All(b)));
    }

    [Fact]
    public void Match_BatchWhoseFirstRecordMatchesButNotTheRest_FailsAtTheDifferingRecord()
    {
        var h = new History();
        h.Append(1, BatchState.Unanswered, size: 0);
        var b = h.Append(2, BatchState.Unanswered, size: 0);
        var damaged = h.All(b).ToList();
        damaged.Add([1]);

        var violation = Assert.Single(h.Recover(History.Ready(1, 4), damaged));
        Assert.Equal(3, violation.Lsn);
        Assert.Contains("differs from the record issued there (batch 1, record 1)", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hole_UnansweredBatchMissingBeforeALaterOneWithoutFaults_Fails()
    {
        var h = new History();
        var a = h.Append(2);
        h.Append(2, BatchState.Unanswered);
        var c = h.Append(2, BatchState.Unanswered);

        var violation = Assert.Single(h.Recover(History.Ready(1, 5), h.All(a, c)));
        Assert.Equal(Rules.Prefix, violation.Rule);
        Assert.Contains("hole", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hole_UnansweredBatchMissingBeforeALaterOneUnderFaults_Passes()
    {
        var h = new History();
        var a = h.Append(2);
        h.Append(2, BatchState.Unanswered);
        var c = h.Append(2, BatchState.Unanswered);
        h.Model.RequestFaultsInjected = true;

        Assert.Empty(h.Recover(History.Ready(1, 5), h.All(a, c)));
    }

    [Fact]
    public void Match_EmptyRecordsAtEveryPosition_AreMatchedByLsn()
    {
        var h = new History();
        var a = h.Append(3, BatchState.Durable, size: 0);
        var b = h.Append(2, BatchState.Durable, size: 1);

        Assert.Empty(h.Recover(History.Ready(1, 6), h.All(a, b)));
        Assert.Equal([.. a.Records, .. b.Records], Enumerable.Range(1, 5).Select(lsn => h.Model.At(lsn)!.Value));
    }
}
