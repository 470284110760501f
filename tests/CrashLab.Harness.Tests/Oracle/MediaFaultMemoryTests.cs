using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>
/// A media fault injected into the data directory is not forgotten when a recovery happens not to
/// read the damage: the damage is still on the disk, and a later report or refusal is honest.
/// </summary>
public sealed class MediaFaultMemoryTests
{
    [Fact]
    public void MediaFault_AfterARecoveryThatReportedNothing_IsStillPending()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();

        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a)));

        // What the runner and the start judge read to allow a refused append or a fatal start (rule 6).
        Assert.True(h.Model.MediaFaultPending);
        Assert.True(ChainModel.FromState(h.Model.ToState()).MediaFaultPending);
    }

    [Fact]
    public void CorruptionReport_OneRecoveryAfterTheFault_StillExcusesRecordsDurableWhenItStruck()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();
        var all = h.All(h.Model.Pending.ToArray()).ToList();
        Assert.Empty(h.Recover(History.Ready(1, 5), all)); // the damage was not read this time

        Assert.Empty(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
    }

    [Fact]
    public void CorruptionReport_AfterAnEarlierFault_DoesNotExcuseRecordsDurableSinceThen()
    {
        var h = new History();
        var a = h.Append(2, BatchState.Durable);
        h.Model.InjectMediaFault();
        Assert.Empty(h.Recover(History.Ready(1, 3), h.All(a)));
        h.Append(2, BatchState.Durable); // LSNs 3..4, durable after the fault

        var violation = Assert.Single(h.Recover(History.Ready(1, 3, corruption: 3), h.All(a)));
        Assert.Contains("after the media fault", violation.Message, StringComparison.Ordinal);
    }
}
