using CrashLab.Harness.WhiteBox;
using CrashLab.Storage;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Harness.Tests.WhiteBox;

/// <summary>The states planned after one kill: distinct by their bytes, duplicates counted as the scenario promised them.</summary>
public sealed class KillStatesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("crashlab-killstates-");

    [Fact]
    public void Plan_KillWithNothingPending_OneStateAndDuplicatesOnlyAmongTheFirstProfilesSeededStates()
    {
        var builder = DurableFileOnly();
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

    /// <summary>A data directory holding one durable file, its journal with nothing pending.</summary>
    private CrashStateBuilder DurableFileOnly()
    {
        var (data, trace) = (_root.CreateSubdirectory("data").FullName, _root.CreateSubdirectory("trace").FullName);
        using (var journal = new UndoJournal(data, trace))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, data, journal);
            using (var file = fs.Open(Path.Combine(data, "log"), OpenMode.CreateNew))
            {
                file.Write(0, new byte[700]);
                file.Sync();
            }

            fs.SyncDirectory(data);
        }

        return CrashStateBuilder.Load(data, trace);
    }
}
