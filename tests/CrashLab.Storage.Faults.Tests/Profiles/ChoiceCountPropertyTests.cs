using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// <see cref="PersistenceProfile.ChoiceCount"/> answers what <see cref="PersistenceProfile.Choices"/>
/// would (whether the outcomes are all listed, and how many there are) without building them for
/// a write over many sectors: the same answer for writes in place, extending a file, or both, at
/// both sector sizes and under each profile. FsCheck prints the failing case and its replay seed.
/// </summary>
public sealed class ChoiceCountPropertyTests
{
    [Property(MaxTest = 25)]
    public void ChoiceCount_AnyWrite_SaysWhatChoicesSays(ushort startSectors, ushort lengthSectors, ushort durableSectors, bool smallSectors, bool preallocated)
    {
        var sector = smallSectors ? 512 : 4096;
        var durable = (1 + durableSectors % 300) * 512;
        var offset = startSectors % 300 * 512L;
        var length = (1 + lengthSectors % 300) * 512;
        using var run = new CaseRun(throughJournal: false);
        run.Durable("f", durable, 1);
        if (preallocated)
            run.Fallocate("f", offset + length + sector);
        run.Write("f", offset, length, 2);
        var window = run.Window(sector);

        foreach (var profile in KnownProfiles.All)
        {
            for (var i = 0; i < window.Pending.Count; i++)
            {
                var choices = profile.Choices(window, i, EnumerationLimits.Default);
                Assert.True((choices.Complete, choices.Total) == profile.ChoiceCount(window, i, EnumerationLimits.Default),
                    $"{profile}, op {i} ({window.Pending[i]}), sector {sector}: Choices says ({choices.Complete}, {choices.Total}), ChoiceCount {profile.ChoiceCount(window, i, EnumerationLimits.Default)}");
            }
        }
    }

    [Fact]
    public void ChoiceCount_WriteOverThousandsOfSectors_IsIncompleteWithEverySubsetCounted()
    {
        using var run = new CaseRun(throughJournal: false);
        run.Durable("seg", 1 << 20, 1).Write("seg", 0, 1 << 20, 2);
        var window = run.Window(sectorSize: 512);

        foreach (var profile in KnownProfiles.All)
            Assert.Equal((false, Math.Pow(2, 2048)), profile.ChoiceCount(window, 0, EnumerationLimits.Default));
    }
}
