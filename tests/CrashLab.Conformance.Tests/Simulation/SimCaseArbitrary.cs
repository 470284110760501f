using FsCheck;
using FsCheck.Fluent;

namespace CrashLab.Conformance.Tests.Simulation;

/// <summary>FsCheck generation and shrinking of simulated chains.</summary>
public static class SimCaseArbitrary
{
    private static readonly int[] Sizes = [0, 1, 7, 100, 511, 512, 513, 3000, 4096, 9000, 40_000];

    public static Gen<SimStep> Step(bool truncations) => Gen.Frequency(
        (12, from records in Gen.Choose(1, 5)
             from size in Gen.Elements(Sizes)
             from sync in Gen.Elements(true, false, false)
             select new SimStep(SimStepKind.Append, records, size, sync, 0)),
        (2, Gen.Constant(new SimStep(SimStepKind.Sync, 0, 0, false, 0))),
        (truncations ? 2 : 0, Gen.Choose(0, 100).Select(keep => new SimStep(SimStepKind.Truncate, 0, 0, false, keep))),
        (2, Gen.Choose(0, 5).Select(param => new SimStep(SimStepKind.Crash, 0, 0, false, param))));

    public static Arbitrary<SimCase> Cases(SimFault[] faults, int maxSteps = 40) =>
        Arb.From(
            from steps in Gen.Choose(1, maxSteps).SelectMany(n => Gen.ArrayOf(Step(truncations: true), n))
            from crashAt in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 150)))
            from bytes in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 6000)))
            from fault in Gen.Elements(faults)
            from seed in Gen.Choose(0, int.MaxValue)
            select new SimCase(steps, crashAt, bytes, fault, (ulong)seed),
            Shrink);

    /// <summary>Smaller chains first: fewer steps, then simpler steps, no crash point, no fault.</summary>
    public static IEnumerable<SimCase> Shrink(SimCase c)
    {
        var steps = c.Steps;
        for (var chunk = steps.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (var at = 0; at + chunk <= steps.Length; at += chunk)
                yield return c with { Steps = [.. steps[..at], .. steps[(at + chunk)..]] };
        }

        for (var i = 0; i < steps.Length; i++)
        {
            var s = steps[i];
            if (s.Kind != SimStepKind.Append)
                continue;
            if (s.Records > 1)
                yield return c with { Steps = Replace(steps, i, s with { Records = 1 }) };
            if (s.Size > 100)
                yield return c with { Steps = Replace(steps, i, s with { Size = s.Size / 4 }) };
        }

        if (c.CrashPointBytes > 0)
            yield return c with { CrashPointBytes = 0 };
        if (c.CrashPointOp > 0)
            yield return c with { CrashPointOp = 0 };
        if (c.Fault != SimFault.None)
            yield return c with { Fault = SimFault.None };
    }

    private static SimStep[] Replace(SimStep[] steps, int index, SimStep step)
    {
        var copy = (SimStep[])steps.Clone();
        copy[index] = step;
        return copy;
    }
}
