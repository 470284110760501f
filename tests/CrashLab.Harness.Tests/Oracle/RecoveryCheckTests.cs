using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>For each rule of fault-model.md §4, a history that passes and one that breaks it.</summary>
public sealed class RecoveryCheckTests
{
    [Fact]
    public void Contiguity_ConsecutiveLsns_Pass()
    {
        var h = new History();
        var a = h.Append(3);

        Assert.Empty(h.Recover(History.Ready(1, 4), h.All(a)));
    }

    [Fact]
    public void Contiguity_NextLsnBeyondRecordsReturned_Fails()
    {
        var h = new History();
        var a = h.Append(3);

        Assert.Equal(Rules.Contiguity, Assert.Single(h.Recover(History.Ready(1, 5), h.All(a))).Rule);
    }

    [Fact]
    public void TruncationBound_FirstLsnUpToTheHighestBeforeLsn_Passes()
    {
        var h = new History();
        var a = h.Append(5);
        h.Model.RequestedTruncation(4);

        Assert.Empty(h.Recover(History.Ready(4, 6), h.All(a).Skip(3)));
    }

    [Fact]
    public void TruncationBound_FirstLsnAboveEveryBeforeLsn_Fails()
    {
        var h = new History();
        var a = h.Append(5);
        h.Model.RequestedTruncation(2);

        Assert.Equal(Rules.TruncationBound, h.Recover(History.Ready(4, 6), h.All(a).Skip(3))[0].Rule);
    }

    [Fact]
    public void Prefix_UnansweredTailLostWhole_Passes()
    {
        var h = new History();
        var a = h.Append(2);
        h.Append(3, BatchState.Unanswered);

        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a)));
    }

    [Fact]
    public void Prefix_FailedBatchAbsentButLaterOnePresent_Passes()
    {
        var h = new History();
        var a = h.Append(2);
        h.Append(2, BatchState.Failed);
        var c = h.Append(2, at: 3);
        h.Model.RequestFaultsInjected = true; // without faults no request fails

        Assert.Empty(h.Recover(History.Ready(1, 5), h.All(a, c)));
    }

    [Fact]
    public void Prefix_BatchCutInTwo_Fails()
    {
        var h = new History();
        var a = h.Append(2);
        var b = h.Append(4, BatchState.Unanswered);

        var violation = Assert.Single(h.Recover(History.Ready(1, 5), h.All(a).Concat(h.All(b).Take(2))));
        Assert.Equal(Rules.Prefix, violation.Rule);
        Assert.Contains("cut in two", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prefix_AcknowledgedBatchMissingBeforeALaterOne_FailsAsAHole()
    {
        var h = new History();
        var a = h.Append(2);
        h.Append(2);
        var c = h.Append(2);

        var violation = h.Recover(History.Ready(1, 5), h.All(a, c))[0];
        Assert.Equal(Rules.Prefix, violation.Rule);
        Assert.Contains("hole", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prefix_BatchRecoveredAtAnotherLsnThanAcknowledged_Fails()
    {
        var h = new History();
        h.Append(1, BatchState.Failed);
        var b = h.Append(2, at: 2);

        Assert.Equal(Rules.Prefix, h.Recover(History.Ready(1, 3), h.All(b))[0].Rule);
    }

    [Fact]
    public void Prefix_TruncationLeavesTheFrontInsideABatchAndNothingElse_Passes()
    {
        var h = new History();
        h.Append(6, BatchState.Durable);
        h.Model.RequestedTruncation(4);
        h.Model.InjectMediaFault();

        Assert.Empty(h.Recover(History.Ready(4, 4, corruption: 4), []));
    }

    [Fact]
    public void Prefix_TruncatedFrontAfterAFailedBatchThatTookNoLsns_IsPlacedByItsBytes()
    {
        var h = new History();
        h.Append(3, BatchState.Failed);
        h.Append(2, BatchState.Unanswered);
        var c = h.Append(4, BatchState.Unanswered);
        h.Model.RequestedTruncation(3);
        h.Model.RequestFaultsInjected = true;

        // The failed batch took no LSNs: the unanswered ones hold LSNs 1..6, and truncation kept 3..6.
        Assert.Empty(h.Recover(History.Ready(3, 7), h.All(c)));
    }

    [Fact]
    public void Durability_DurableBatchesAllBack_Passes()
    {
        var h = new History();
        var a = h.Append(3, BatchState.Durable);
        h.Append(2);

        Assert.Empty(h.Recover(History.Ready(1, 4), h.All(a)));
    }

    [Fact]
    public void Durability_DurableBatchLostWithoutReport_Fails()
    {
        var h = new History();
        var a = h.Append(3, BatchState.Durable);
        h.Append(2, BatchState.Durable);

        Assert.Equal(Rules.Durability, Assert.Single(h.Recover(History.Ready(1, 4), h.All(a))).Rule);
    }

    [Fact]
    public void Durability_LossReportedAfterAMediaFault_Passes()
    {
        var h = new History();
        var a = h.Append(3, BatchState.Durable);
        h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();

        Assert.Empty(h.Recover(History.Ready(1, 4, corruption: 4), h.All(a)));
    }

    [Fact]
    public void Durability_LossReportedAboveTheFirstMissingLsn_Fails()
    {
        var h = new History();
        var a = h.Append(3, BatchState.Durable);
        h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();

        Assert.Equal(Rules.Durability, Assert.Single(h.Recover(History.Ready(1, 4, corruption: 5), h.All(a))).Rule);
    }

    [Fact]
    public void NoSilentCorruption_ExactBytes_Pass()
    {
        var h = new History();
        var a = h.Append(1);

        Assert.Empty(h.Recover(History.Ready(1, 2), [h.Bytes(a, 0)]));
    }

    [Fact]
    public void NoSilentCorruption_OneFlippedByte_Fails()
    {
        var h = new History();
        var a = h.Append(1);
        var damaged = h.Bytes(a, 0);
        damaged[3] ^= 0x10;

        var violation = Assert.Single(h.Recover(History.Ready(1, 2), [damaged]));
        Assert.Equal(Rules.SilentCorruption, violation.Rule);
        Assert.NotNull(violation.Expected);
        Assert.NotNull(violation.Actual);
    }

    [Fact]
    public void NoFalseAlarm_CorruptionReportedWithoutAMediaFault_Fails()
    {
        var h = new History();
        var a = h.Append(2);

        Assert.Equal(Rules.FalseAlarm, Assert.Single(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a))).Rule);
    }

    [Fact]
    public void NoFalseAlarm_CorruptionReportedAfterAMediaFault_Passes()
    {
        var h = new History();
        var a = h.Append(2);
        h.Model.InjectMediaFault();

        Assert.Empty(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
    }

    [Fact]
    public void Accept_AfterACheck_TheChainContinuesFromTheRecoveredLog()
    {
        var h = new History();
        var a = h.Append(2);
        h.Append(2);
        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a)));

        var c = h.Append(2, BatchState.Durable);

        Assert.Equal(3, c.FirstLsn);
        Assert.Empty(h.Recover(History.Ready(1, 5), h.All(a, c)));
    }
}
