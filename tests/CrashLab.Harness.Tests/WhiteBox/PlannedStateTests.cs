using CrashLab.Harness.WhiteBox;
using CrashLab.Storage;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>A planned state is equal to another by what it is (choice, window, outcomes, admission), not by whether its fingerprint was asked for yet.</summary>
public sealed class PlannedStateTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("crashlab-plannedstate-");

    [Fact]
    public void Equals_OneFingerprintAskedForAndOneNot_AreEqualWithTheSameHash()
    {
        var state = KillStates.Build(OneWritePending(), new StateChoice("random-subset", 1, 512));
        var copy = state with { };

        _ = state.Fingerprint;

        Assert.Equal(copy, state);
        Assert.Equal(copy.GetHashCode(), state.GetHashCode());
        Assert.Single(new HashSet<PlannedState> { state, copy });
    }

    [Fact]
    public void Equals_FingerprintKnownAtPlanningOrComputedLater_AreEqual()
    {
        var state = KillStates.Build(OneWritePending(), new StateChoice("random-subset", 1, 512));
        var known = new PlannedState(state.Choice, state.Window, state.Assignment, state.Admission, KnownFingerprint: state.Fingerprint);
        var computedLater = new PlannedState(state.Choice, state.Window, state.Assignment, state.Admission);

        Assert.Equal(known, computedLater);
        Assert.Equal(known.GetHashCode(), computedLater.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentChoices_AreNotEqual()
    {
        var state = KillStates.Build(OneWritePending(), new StateChoice("random-subset", 1, 512));

        Assert.NotEqual(state, state with { Choice = state.Choice with { Seed = 2 } });
    }

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>A data directory with one durable file and one write to it not yet synced.</summary>
    private CrashStateBuilder OneWritePending()
    {
        var (data, trace) = (_root.CreateSubdirectory("data").FullName, _root.CreateSubdirectory("trace").FullName);
        using (var journal = new UndoJournal(data, trace))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal);
            using var file = fs.Open(Path.Combine(data, "log"), OpenMode.CreateNew);
            file.Write(0, new byte[700]);
            file.Sync();
            fs.SyncDirectory(data);
            file.Write(700, new byte[1500]);
        }

        return CrashStateBuilder.Load(data, trace);
    }
}
