using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Tests.Workload;

/// <summary>Quiet runs: some runs (and every run after a recovery that lowered a truncation bound) send no truncation, so a stale bound meets a restart before a newer truncation rewrites it.</summary>
public sealed class WorkloadGeneratorTests
{
    [Fact]
    public void NextOp_QuietRunShareOne_NeverTruncates()
    {
        var generator = new WorkloadGenerator(new WorkloadProfile { TruncateShare = 1, QuietRunShare = 1 }, 5);

        Assert.DoesNotContain(WorkloadGenerator.Op.Truncate, Enumerable.Range(0, 200).Select(_ => generator.NextOp()));
    }

    [Fact]
    public void NextOp_HalfTheRunsQuiet_SomeRunsTruncateAndSomeNever()
    {
        var runs = Enumerable.Range(0, 100)
            .Select(seed => new WorkloadGenerator(new WorkloadProfile { TruncateShare = 0.5, QuietRunShare = 0.5 }, (ulong)seed))
            .Select(g => Enumerable.Range(0, 50).Count(_ => g.NextOp() == WorkloadGenerator.Op.Truncate))
            .ToList();

        Assert.InRange(runs.Count(n => n == 0), 25, 75);
        Assert.InRange(runs.Count(n => n > 0), 25, 75);
    }

    [Fact]
    public void NextOp_AfterALoweredBound_EveryRunIsQuiet()
    {
        var truncating = Enumerable.Range(0, 100)
            .Select(seed => new WorkloadGenerator(new WorkloadProfile { TruncateShare = 0.5, QuietRunShare = 0.1 }, (ulong)seed) { AfterLoweredBound = true })
            .Count(g => Enumerable.Range(0, 50).Any(_ => g.NextOp() == WorkloadGenerator.Op.Truncate));

        Assert.Equal(0, truncating);
    }

    [Fact]
    public void NextOp_AfterALoweredBound_AProfileWithoutQuietRunsStillTruncates()
    {
        var generator = new WorkloadGenerator(new WorkloadProfile { TruncateShare = 1, SyncShare = 0 }, 5) { AfterLoweredBound = true };

        Assert.All(Enumerable.Range(0, 20).Select(_ => generator.NextOp()), op => Assert.Equal(WorkloadGenerator.Op.Truncate, op));
    }

    [Fact]
    public void RequestsBeforeKill_DrawsFromOneToTheProfilesMaximum()
    {
        var drawn = Enumerable.Range(0, 400).Select(seed => new WorkloadGenerator(new WorkloadProfile { MaxRequestsPerRun = 8 }, (ulong)seed).RequestsBeforeKill()).ToList();

        Assert.All(drawn, n => Assert.InRange(n!.Value, 1, 8));
        Assert.Equal(8, drawn.Distinct().Count());
    }

    [Fact]
    public void RequestsBeforeKill_ZeroMaximum_LeavesTheKillToTime()
        => Assert.Null(new WorkloadGenerator(new WorkloadProfile { MaxRequestsPerRun = 0 }, 3).RequestsBeforeKill());
}
