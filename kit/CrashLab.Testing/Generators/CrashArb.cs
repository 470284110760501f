using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Testing.Workloads;
using FsCheck;
using FsCheck.Fluent;

namespace CrashLab.Testing.Generators;

/// <summary>
/// FsCheck generators (with shrinking) for crash tests: workloads, fault plans and crash points.
/// Use them in a property, <c>Prop.ForAll(CrashArb.Workloads(truncate: false), w => ...)</c>, or
/// register the defaults with <c>[Property(Arbitrary = [typeof(CrashArbitraries)])]</c>.
/// </summary>
public static class CrashArb
{
    /// <summary>Record sizes at the edges that logs get wrong: empty, one byte, around a sector and a page.</summary>
    private static readonly int[] Sizes = [0, 1, 7, 64, 200, 511, 512, 513, 1500, 4096, 9000];

    /// <param name="maxSteps">Most steps in a workload.</param>
    /// <param name="maxRecordBytes">Largest record generated.</param>
    /// <param name="groupCommit">Generate group commits (several durable appends in flight at once).</param>
    /// <param name="truncate">Generate truncations (the log must implement <see cref="ILogUnderTest.TruncateAsync"/>).</param>
    /// <param name="nonDurable">Generate appends acknowledged before they are durable.</param>
    /// <param name="powerLoss">Generate power losses between steps (the workload goes on from a crash state).</param>
    public static Arbitrary<Workload> Workloads(int maxSteps = 12, int maxRecordBytes = 4096, bool groupCommit = true, bool truncate = true, bool nonDurable = true, bool powerLoss = true)
    {
        var sizes = Sizes.Where(s => s <= maxRecordBytes).DefaultIfEmpty(0).ToArray();
        var step = Gen.Frequency(
            (10, from records in Gen.Choose(1, 4)
                 from bytes in Gen.Elements(sizes)
                 from durable in nonDurable ? Gen.Elements(true, false) : Gen.Constant(true)
                 select (WorkloadStep)new AppendStep(records, bytes, durable)),
            (groupCommit ? 5 : 0, from writers in Gen.Choose(2, 6)
                                  from bytes in Gen.Elements(sizes)
                                  select (WorkloadStep)new GroupCommitStep(writers, bytes)),
            (truncate ? 3 : 0, Gen.Choose(0, 100).Select(keep => (WorkloadStep)new TruncateStep(keep))),
            (powerLoss ? 2 : 0, Gen.Elements(CrashModes.PowerLoss.ToArray()).Select(mode => (WorkloadStep)new PowerLossStep(mode))));
        var workloads = from count in Gen.Choose(1, maxSteps)
                        from steps in Gen.ArrayOf(step, count)
                        from seed in Gen.Choose(0, int.MaxValue)
                        select new Workload((ulong)seed, steps);
        return Arb.From(workloads, WorkloadShrinker.Shrink);
    }

    /// <summary>Fault plans of fsync EIO, write EIO (torn at a sector) and a full disk, with or without a crash point.</summary>
    public static Arbitrary<FaultPlan> FaultPlans()
    {
        var rule = Gen.OneOf(
            Gen.Choose(2, 8).Select(n => new FaultRule { Kind = FaultKind.FsyncEio, OneIn = n }),
            from n in Gen.Choose(4, 16)
            from after in Gen.Elements(0, 512, 1024)
            select new FaultRule { Kind = FaultKind.WriteEio, OneIn = n, AfterBytes = after },
            Gen.Choose(4, 64).Select(kib => new FaultRule { Kind = FaultKind.Enospc, QuotaBytes = kib * 1024L }));
        var plans = from seed in Gen.Choose(0, int.MaxValue)
                    from count in Gen.Choose(0, 2)
                    from rules in Gen.ArrayOf(rule, count)
                    from crash in Gen.Frequency((2, Gen.Constant<CrashPoint?>(null)), (1, CrashPointGen(200).Select(c => (CrashPoint?)c)))
                    select new FaultPlan { Seed = (ulong)seed, Faults = rules, Crash = crash };
        return Arb.From(plans, ShrinkPlan);
    }

    /// <summary>Crash points: a storage operation number, and whether it happens (for a write, maybe only its first bytes).</summary>
    public static Arbitrary<CrashPoint> CrashPoints(int maxOperation = 200) => Arb.From(CrashPointGen(maxOperation), ShrinkCrashPoint);

    private static Gen<CrashPoint> CrashPointGen(int maxOperation) =>
        from at in Gen.Choose(1, maxOperation)
        from perform in Gen.Elements(true, true, false)
        from bytes in Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 4096).Select(b => (int?)b)))
        select new CrashPoint { AtOp = at, Perform = perform, PerformBytes = perform ? bytes : null };

    private static IEnumerable<FaultPlan> ShrinkPlan(FaultPlan plan)
    {
        if (plan.Crash != null)
            yield return plan with { Crash = null };
        for (var i = 0; i < plan.Faults.Length; i++)
            yield return plan with { Faults = [.. plan.Faults[..i], .. plan.Faults[(i + 1)..]] };
        if (plan.Crash is { } crash)
        {
            foreach (var smaller in ShrinkCrashPoint(crash))
                yield return plan with { Crash = smaller };
        }
    }

    private static IEnumerable<CrashPoint> ShrinkCrashPoint(CrashPoint point)
    {
        if (point.PerformBytes != null)
            yield return point with { PerformBytes = null };
        if (point.AtOp > 1)
            yield return point with { AtOp = point.AtOp / 2 };
    }
}
