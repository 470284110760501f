using CrashLab.Harness.Campaigns;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Harness.WhiteBox;

/// <summary>Turns a scenario's fault templates into the concrete plans of one run, from the run's seed.</summary>
public static class PlanMaker
{
    /// <summary>Candidates for a kill's crash states, of which up to <see cref="Scenario.StatesPerKill"/> distinct ones are checked.</summary>
    private const int CandidatesPerState = 3;

    /// <param name="usage">Bytes in the data directory now: an enospc template's quota is headroom above it.</param>
    /// <param name="expectedOps">About how many operations a run does (the last run's count): crash points fall within it.</param>
    public static FaultPlan ForRun(Scenario scenario, SplitMix random, ulong seed, long usage, long expectedOps)
    {
        var sector = scenario.SectorSizes[random.Below(scenario.SectorSizes.Length)];
        var faults = scenario.Faults.Where(f => f.Kind != FaultKind.ReadEio)
            .Select(f => f.Kind == FaultKind.Enospc ? f with { QuotaBytes = usage + f.QuotaBytes, UntilOp = f.UntilOp == 0 ? 0 : 1 + random.Below((int)f.UntilOp) } : f)
            .ToArray();
        CrashPoint? crash = null;
        if (random.Below(1000) < scenario.CrashPointShare * 1000)
            crash = new CrashPoint { AtOp = 1 + random.Below((int)Math.Max(20, expectedOps)), PerformBytes = random.Coin() ? random.Below(8192) : null };
        return new FaultPlan { Seed = seed, SectorSize = sector, Faults = faults, Crash = crash };
    }

    /// <summary>Read-EIO faults for the recovery of crash states, if the scenario has any.</summary>
    public static FaultPlan? ForRecovery(Scenario scenario, ulong seed)
    {
        var reads = scenario.Faults.Where(f => f.Kind == FaultKind.ReadEio).ToArray();
        return reads.Length == 0 ? null : new FaultPlan { Seed = seed, Faults = reads };
    }

    /// <summary>
    /// The recovery plan that strikes exactly the reads a recovery under <paramref name="drawn"/>
    /// struck (none: a plan without faults, so the replay still recovers once on the shim first).
    /// </summary>
    public static FaultPlan Targeted(FaultPlan drawn, IReadOnlyList<ReadTarget> struck)
        => drawn with { Faults = struck.Count == 0 ? [] : [new FaultRule { Kind = FaultKind.ReadEio, Reads = [.. struck] }] };

    /// <summary>The crash states to build after a kill: modes and sector sizes in turn, each with its own seed.</summary>
    public static List<StateChoice> States(Scenario scenario, SplitMix random)
    {
        var combos = scenario.CrashModes.SelectMany(mode => scenario.SectorSizes.Select(sector => (mode, sector))).ToList();
        var start = random.Below(combos.Count);
        return Enumerable.Range(0, scenario.StatesPerKill * CandidatesPerState)
            .Select(i => combos[(start + i) % combos.Count])
            .Select(c => new StateChoice(c.mode, random.Next(), c.sector))
            .ToList();
    }
}
