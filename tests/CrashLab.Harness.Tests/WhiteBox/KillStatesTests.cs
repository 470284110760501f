using CrashLab.Harness.WhiteBox;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>The states planned after one kill: distinct by their bytes, duplicates counted as the scenario promised them.</summary>
public sealed class KillStatesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("crashlab-killstates-");

    [Fact]
    public void Plan_KillWithNothingPending_OneStateAndDuplicatesOnlyAmongTheFirstProfilesSeededStates()
    {
        var builder = KilledDirectory.OneDurableFile(_root);
        var seeded = Enumerable.Range(0, 6).Select(i => new StateChoice(CrashModes.PowerLoss[i % 3].Name(), (ulong)i, 512)).ToList();
        var input = new WhiteBoxInput { States = seeded, Enumeration = EnumerationLimits.Default };

        var plan = KillStates.Plan(builder, input);

        // Six seeded states of posix leave the same bytes: one checked, five duplicates. The six
        // ext4-ordered composes of the same seeds are no further states the scenario promised.
        Assert.Single(plan.States);
        Assert.Equal(5, plan.Duplicates);
        Assert.All(plan.Coverage, c => Assert.True(c.Exhaustive));
    }

    public void Dispose() => _root.Delete(recursive: true);
}
