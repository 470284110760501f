using CrashLab.Harness.WhiteBox;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>A planned state is equal to another by what it is (choice, window, outcomes, admission), not by whether its fingerprint was asked for yet.</summary>
public sealed class PlannedStateTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("crashlab-plannedstate-");

    [Fact]
    public void Equals_OneFingerprintAskedForAndOneNot_AreEqualWithTheSameHash()
    {
        var state = KillStates.Build(KilledDirectory.OneDurableFile(_root, unsyncedBytes: 1500), new StateChoice("random-subset", 1, 512));
        var copy = state with { };

        _ = state.Fingerprint;

        Assert.Equal(copy, state);
        Assert.Equal(copy.GetHashCode(), state.GetHashCode());
        Assert.Single(new HashSet<PlannedState> { state, copy });
    }

    [Fact]
    public void Equals_FingerprintKnownAtPlanningOrComputedLater_AreEqual()
    {
        var state = KillStates.Build(KilledDirectory.OneDurableFile(_root, unsyncedBytes: 1500), new StateChoice("random-subset", 1, 512));
        var known = new PlannedState(state.Choice, state.Window, state.Assignment, state.Admission, KnownFingerprint: state.Fingerprint);
        var computedLater = new PlannedState(state.Choice, state.Window, state.Assignment, state.Admission);

        Assert.Equal(known, computedLater);
        Assert.Equal(known.GetHashCode(), computedLater.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentChoices_AreNotEqual()
    {
        var state = KillStates.Build(KilledDirectory.OneDurableFile(_root, unsyncedBytes: 1500), new StateChoice("random-subset", 1, 512));

        Assert.NotEqual(state, state with { Choice = state.Choice with { Seed = 2 } });
    }

    public void Dispose() => _root.Delete(recursive: true);
}
