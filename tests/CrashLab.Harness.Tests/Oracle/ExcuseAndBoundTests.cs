using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>A corruption report excuses only what a media fault could have hit; truncation bounds fall with lost LSNs.</summary>
public sealed class ExcuseAndBoundTests
{
    [Fact]
    public void Excuse_RecordsAcknowledgedDurableAfterTheFault_AreNotExcused()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();
        Assert.Empty(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
        h.Append(2, BatchState.Durable); // LSNs 3..4, durable after the fault's recovery

        var violation = Assert.Single(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
        Assert.Equal(Rules.Durability, violation.Rule);
        Assert.Contains("after the media fault", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Excuse_RecordsDurableWhenTheFaultStruck_AreExcusedByAPlausibleReport()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();

        Assert.Empty(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
    }

    [Fact]
    public void Excuse_ReportNamingAnLsnOutsideTheKnownLog_DoesNotExcuse()
    {
        var h = new History();
        h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();

        var violation = Assert.Single(h.Recover(History.Ready(1, 1, corruption: 0), []));
        Assert.Contains("outside the log", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Excuse_LsnsHandedOutAgainAfterAnExcusedLoss_AreNotExcused()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Append(3, BatchState.Durable);
        h.Model.InjectMediaFault();
        Assert.Empty(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
        h.Append(2, BatchState.Durable); // LSNs 3..4 again, now new records

        Assert.Equal(Rules.Durability, Assert.Single(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a))).Rule);
    }

    [Fact]
    public void TruncationBound_AfterARecoveryBelowAnEarlierBeforeLsn_IsLowered()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Append(4);
        h.Model.RequestedTruncation(6);
        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a))); // the crash lost LSNs 3..6
        var c = h.Append(4, BatchState.Durable); // LSNs 3..6 again: no truncate covers them

        var violation = Assert.Single(h.Recover(History.Ready(6, 7), h.All(c).Skip(3)));
        Assert.Equal(Rules.TruncationBound, violation.Rule);
    }

    [Fact]
    public void TruncationBound_LoweredBound_StillAllowsTheRecoveredEnd()
    {
        var h = new History();
        h.Append(2);
        h.Append(4);
        h.Model.RequestedTruncation(6);

        Assert.Empty(h.Recover(History.Ready(3, 3), []));
        Assert.Equal(3, h.Model.HighestBeforeLsn);
    }

    [Fact]
    public void LastRecoveryLoweredBound_OnlyAfterARecoveryBelowABeforeLsn()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Append(4);
        h.Model.RequestedTruncation(6);

        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a))); // the crash lost LSNs 3..6, truncation 6 covered them
        Assert.True(h.Model.LastRecoveryLoweredBound);
        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a))); // nothing lost above the bound this time
        Assert.False(h.Model.LastRecoveryLoweredBound);
    }

    [Fact]
    public void AtRisk_NoDurableRecord_IsNotAStateThatProvesAnything()
    {
        var h = new History();
        h.Append(2);

        Assert.False(new RecoveryCheck(h.Model, History.Ready(1, 3)).DurableDataAtRisk);
        h.Append(1, BatchState.Durable);
        Assert.True(new RecoveryCheck(h.Model, History.Ready(1, 4)).DurableDataAtRisk);
    }
}
