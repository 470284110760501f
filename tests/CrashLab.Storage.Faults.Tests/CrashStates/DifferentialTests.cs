using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Faults.Simulation;
using CrashLab.Storage.Physical;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.CrashStates;

public sealed class DifferentialTests
{
    [Fact]
    public void CrashState_SameOpsAndSeed_JournalOnRealFilesEqualsSimulatedDisk()
    {
        for (var script = 1UL; script <= 25; script++)
        {
            using var dir = new TempDirectory();
            var ops = OpScript.Random(script, 40);
            using (var journal = new UndoJournal(dir.Data, dir.Trace))
                ops.Run(new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, dir.Data, journal), dir.Data);
            var disk = new SimulatedDisk("/sim");
            disk.CreateDirectory("/sim");
            ops.Run(disk, "/sim");

            var builder = CrashStateBuilder.Load(dir.Data, dir.Trace);
            Assert.Equal(disk.PendingCount, builder.PendingOperations);
            foreach (var mode in Enum.GetValues<CrashMode>())
            {
                foreach (var sector in new[] { 512, 4096 })
                {
                    for (var seed = 0UL; seed < 4; seed++)
                    {
                        var fromJournal = builder.Compose(mode, seed, sector);
                        var fromDisk = disk.Crash(mode, seed, sector).LiveImage();
                        Assert.True(fromDisk.Digest() == fromJournal.Digest(),
                            $"script {script}, {mode.Name()}, sector {sector}, seed {seed}: {Describe(fromDisk)} vs {Describe(fromJournal)}");
                    }
                }
            }
        }
    }

    /// <summary>Every profile sees the same window through the journal as on the simulated disk: the same seeded states and the same enumerated ones.</summary>
    [Property(MaxTest = 15)]
    public void Profiles_SameOpsAndSeed_JournalAndSimulatedDiskGiveTheSameStates(ulong script, ulong seed)
    {
        using var dir = new TempDirectory();
        var ops = OpScript.Random(script, 30);
        using (var journal = new UndoJournal(dir.Data, dir.Trace))
            ops.Run(new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, dir.Data, journal), dir.Data);
        var disk = new SimulatedDisk("/sim");
        disk.CreateDirectory("/sim");
        ops.Run(disk, "/sim");

        var fromJournal = CrashStateBuilder.Load(dir.Data, dir.Trace).Window();
        var fromDisk = disk.Window();
        foreach (var profile in KnownProfiles.All)
        {
            foreach (var mode in CrashModes.PowerLoss)
                Assert.Equal(fromDisk.Apply(profile.Compose(fromDisk, mode, seed)).Digest(), fromJournal.Apply(profile.Compose(fromJournal, mode, seed)).Digest());
            var limits = new EnumerationLimits { MaxStates = 32 };
            Assert.Equal(
                CrashEnumerator.Enumerate(profile, fromDisk, limits).States.Select(s => s.Compose().Digest()),
                CrashEnumerator.Enumerate(profile, fromJournal, limits).States.Select(s => s.Compose().Digest()));
        }
    }

    /// <summary>Writes to an unlinked file can never be synced again, so the script here never deletes.</summary>
    [Fact]
    public void CrashState_AfterEverythingSynced_EqualsTheLiveState()
    {
        using var dir = new TempDirectory();
        using (var journal = new UndoJournal(dir.Data, dir.Trace))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance, FaultPlan.None, dir.Data, journal);
            OpScript.Random(99, 60, deletes: false).Run(fs, dir.Data);
            foreach (var name in fs.List(dir.Data))
            {
                using var file = fs.Open(Path.Combine(dir.Data, name), OpenMode.OpenExisting);
                file.Sync();
            }

            fs.SyncDirectory(dir.Data);
        }

        var builder = CrashStateBuilder.Load(dir.Data, dir.Trace);
        Assert.Equal(0, builder.PendingOperations);
        var state = builder.Compose(CrashMode.RandomSubset, 1);
        Assert.Equal(Directory.GetFiles(dir.Data).Select(Path.GetFileName).Order(), state.Entries.Keys.Order());
        foreach (var (path, content) in state.Files())
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Data, path)), content);
    }

    private static string Describe(FsImage image) => string.Join(", ", image.Files().Select(f => $"{f.Path}:{f.Content.Length}"));
}
