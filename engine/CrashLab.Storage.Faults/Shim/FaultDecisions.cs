using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>Which rule of a plan strikes which operation; a pure function of the plan and the operation number.</summary>
internal sealed class FaultDecisions(FaultPlan plan)
{
    public FaultRule? Strikes(FaultKind kind, long number, string path)
    {
        for (var i = 0; i < plan.Faults.Length; i++)
        {
            var rule = plan.Faults[i];
            if (rule.Kind != kind || !InWindow(rule, number) || !PathPattern.Matches(rule.Path, path))
                continue;
            if (Array.IndexOf(rule.Ops, number) >= 0 || (rule.OneIn > 0 && SplitMix.Hash(plan.Seed, (ulong)number, (ulong)i) % (ulong)rule.OneIn == 0))
                return rule;
        }

        return null;
    }

    /// <summary>The tightest space quota in force at this operation, if any.</summary>
    public long? QuotaAt(long number, string path)
    {
        long? quota = null;
        foreach (var rule in plan.Faults)
        {
            if (rule.Kind == FaultKind.Enospc && InWindow(rule, number) && PathPattern.Matches(rule.Path, path))
                quota = Math.Min(quota ?? long.MaxValue, rule.QuotaBytes);
        }

        return quota;
    }

    /// <summary>A deterministic number for this operation and purpose (which bit to flip, how far to misdirect).</summary>
    public ulong Draw(long number, ulong purpose) => SplitMix.Hash(plan.Seed ^ 0x5EED, (ulong)number, purpose);

    private static bool InWindow(FaultRule rule, long number) => number >= rule.FromOp && (rule.UntilOp == 0 || number < rule.UntilOp);
}
