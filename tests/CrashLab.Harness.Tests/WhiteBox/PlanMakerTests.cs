using CrashLab.Harness.WhiteBox;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Harness.Tests.WhiteBox;

public sealed class PlanMakerTests
{
    private static readonly FaultPlan Drawn = new() { Seed = 11, Faults = [new FaultRule { Kind = FaultKind.ReadEio, OneIn = 4 }] };

    [Fact]
    public void Targeted_StruckReads_ReplaceTheOddsWithTheReadsByName()
    {
        ReadTarget[] struck = [new() { File = "log", Offset = 4096, Length = 4096, Occurrence = 2 }, new() { File = "meta", Offset = 0, Length = 4096 }];

        var plan = PlanMaker.Targeted(Drawn, struck);

        var rule = Assert.Single(plan.Faults);
        Assert.Equal((FaultKind.ReadEio, 0, 0), (rule.Kind, rule.OneIn, rule.Ops.Length));
        Assert.Equal(struck, rule.Reads);
        Assert.Equal(struck, FaultPlan.Parse(plan.ToJson()).Faults[0].Reads);
    }

    /// <summary>A recovery that struck nothing replays as one with no faults: still on the shim first, as the original was.</summary>
    [Fact]
    public void Targeted_NothingStruck_IsAPlanWithoutFaults()
        => Assert.Empty(PlanMaker.Targeted(Drawn, []).Faults);
}
