using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Tests.Plans;

public sealed class FaultPlanTests
{
    [Fact]
    public void Parse_FullPlan_RoundTrips()
    {
        var plan = new FaultPlan
        {
            Seed = 7,
            SectorSize = 4096,
            Faults = [new FaultRule { Kind = FaultKind.FsyncEio, Ops = [12], Path = "*.wal" }, new FaultRule { Kind = FaultKind.BitFlip, OneIn = 50, Bits = 2 }],
            Crash = new CrashPoint { AtOp = 57, PerformBytes = 1000 },
        };

        var json = plan.ToJson();
        var parsed = FaultPlan.Parse(json);

        Assert.Contains("\"fsync_eio\"", json, StringComparison.Ordinal);
        Assert.Contains("\"at_op\": 57", json, StringComparison.Ordinal);
        Assert.Equal(json, parsed.ToJson());
    }

    [Fact]
    public void Parse_TargetedReads_RoundTrips()
    {
        var plan = new FaultPlan
        {
            Seed = 9,
            Faults = [new FaultRule { Kind = FaultKind.ReadEio, Reads = [new ReadTarget { File = "000003.log", Offset = 131072, Length = 4096, Occurrence = 2 }] }],
        };

        var json = plan.ToJson();
        var parsed = FaultPlan.Parse(json);

        Assert.Contains("\"reads\"", json, StringComparison.Ordinal);
        Assert.Contains("\"occurrence\": 2", json, StringComparison.Ordinal);
        Assert.Equal(plan.Faults[0].Reads![0], parsed.Faults[0].Reads![0]);
        Assert.Equal(json, parsed.ToJson());
    }

    /// <summary>A plan written before targeted reads (a case file's recovery plan) loads with none, and is written back as it was.</summary>
    [Fact]
    public void Parse_PlanWithoutReads_HasNoTargetsAndWritesNoReadsField()
    {
        const string old = """{"version":1,"seed":5,"faults":[{"kind":"read_eio","one_in":4}]}""";

        var parsed = FaultPlan.Parse(old);

        Assert.Null(parsed.Faults[0].Reads);
        Assert.Equal(4, parsed.Faults[0].OneIn);
        Assert.DoesNotContain("reads", parsed.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"faults\":[{\"kind\":\"bit_flip\",\"reads\":[{\"file\":\"a\"}]}]}", "only for read_eio")]
    [InlineData("{\"faults\":[{\"kind\":\"read_eio\",\"reads\":[{\"file\":\"a\",\"occurrence\":0}]}]}", "occurrence of 1 or more")]
    [InlineData("{\"faults\":[{\"kind\":\"read_eio\",\"reads\":[{\"offset\":3}]}]}", "file name")]
    [InlineData("{\"faults\":[{\"kind\":\"read_eio\",\"reads\":[]}]}", "never strikes")]
    [InlineData("{\"version\":2}", "version 2")]
    [InlineData("{\"sector_size\":1000}", "sector_size")]
    [InlineData("{\"faults\":[{\"kind\":\"gremlins\"}]}", "not valid")]
    [InlineData("{\"faults\":[{\"kind\":\"bit_flip\"}]}", "never strikes")]
    [InlineData("{\"faults\":[{\"kind\":\"write_eio\",\"one_in\":-1}]}", "one_in")]
    [InlineData("{\"crash\":{\"at_op\":0}}", "at_op")]
    [InlineData("{\"seed\":1,\"typo_field\":3}", "not valid")]
    [InlineData("not json", "not valid")]
    [InlineData("null", "empty")]
    public void Parse_BadPlan_ExplainsWhatIsWrong(string json, string mention)
    {
        var error = Assert.Throws<FormatException>(() => FaultPlan.Parse(json));

        Assert.Contains(mention, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_SaysWhichFile()
        => Assert.Contains("/no/such/plan.json", Assert.Throws<FormatException>(() => FaultPlan.Load("/no/such/plan.json")).Message, StringComparison.Ordinal);
}
