using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>A case's first sentence names its cause in the file system's terms, then the rule it broke.</summary>
public sealed class HeadlineTests
{
    private static readonly Violation Lost = new("4-durability", "LSNs 23..59 were acknowledged durable but are gone and no corruption was reported") { Lsn = 23 };

    private static CaseFile Case(Timeline timeline) => new() { Violation = Lost, Timeline = timeline };

    [Fact]
    public void Of_FileCreationLost_SaysItWasNeverMadeDurableByAnFsyncOfItsDirectoryBeforeTheRule()
    {
        var timeline = Timeline.From([new JournalEvent(1, "create", "wal/000001.log", 0, 0), new JournalEvent(2, "write", "wal/000001.log", 0, 100), new JournalEvent(3, "fdatasync", "wal/000001.log", 0, 0)],
            [new OpFate(1, "lost", null)], 10, 3, killedBy: Timeline.CrashPoint);

        var headline = Headline.Of(Case(timeline));

        Assert.StartsWith("The creation of wal/000001.log (op 1) was never made durable by an fsync of wal/, and the crash lost it; after recovery: LSNs 23..59", headline, StringComparison.Ordinal);
        Assert.EndsWith("(rule 4-durability).", headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_WriteRefusedWithEnospc_PutsTheRefusedWriteOnTheTimelineAndFirstInTheSentence()
    {
        // The shim refused op 5 whole: the journal has nothing of it, only the injected-fault log does.
        var timeline = Timeline.From([new JournalEvent(4, "write", "log.bin", 0, 4096), new JournalEvent(6, "fsync", "log.bin", 0, 0)], [], 10, 6, killedBy: Timeline.TimedKill, ["5 enospc log.bin"]);

        Assert.Contains(timeline.Ops, o => o is { Op: 5, Kind: "write", Fate: "refused", Fault: "enospc" });
        Assert.StartsWith("Op 5, a write to log.bin at offset 0, failed with ENOSPC (no space left) and wrote nothing; after recovery: LSNs 23..59", Headline.Of(Case(timeline)), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_ShortWrite_SaysHowMuchWasWritten()
    {
        var timeline = Timeline.From([new JournalEvent(5, "write", "log.bin", 8192, 4096)], [], 10, 5, killedBy: Timeline.TimedKill, ["5 enospc log.bin"]);

        Assert.StartsWith("Op 5, a write to log.bin at offset 8192, came back short with ENOSPC (no space left): only 4096 bytes were written;", Headline.Of(Case(timeline)), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_TornZeroByteWrite_SaysSoPlainly()
    {
        var timeline = Timeline.From([new JournalEvent(7, "write", "log.bin", 512, 0)], [new OpFate(7, "torn", "no sector kept")], 10, 7, killedBy: Timeline.CrashPoint);

        Assert.StartsWith("Op 7, a 0-byte write to log.bin (it wrote nothing), was not yet durable", Headline.Of(Case(timeline)), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_NoTimeline_IsTheRuleMessage()
        => Assert.Equal("LSNs 23..59 were acknowledged durable but are gone and no corruption was reported (rule 4-durability).", Headline.Of(new CaseFile { Violation = Lost }));
}
