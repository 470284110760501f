using CrashLab.Harness.Campaigns;

namespace CrashLab.Harness.Tests.Campaigns;

public sealed class ShardTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Chains_OfAllShards_AreDisjointAndCoverEveryChain(int count)
    {
        const int Chains = 100;
        var owners = new int[Chains];
        for (var index = 0; index < count; index++)
        {
            var shard = new Shard(index, count);
            for (var n = 0; shard.Chain(n) < Chains; n++)
            {
                Assert.True(shard.Owns(shard.Chain(n)));
                owners[shard.Chain(n)]++;
            }
        }

        Assert.All(owners, owned => Assert.Equal(1, owned));
    }

    [Fact]
    public void ChainSeed_DependsOnlyOnCampaignSeedScenarioAndChain()
    {
        var seeds = Enumerable.Range(0, 1000).Select(k => CampaignRunner.ChainSeed(5, "process-kill", k)).ToList();

        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(seeds[17], CampaignRunner.ChainSeed(5, "process-kill", 17));
        Assert.NotEqual(seeds[17], CampaignRunner.ChainSeed(5, "fsync-eio", 17));
        Assert.NotEqual(seeds[17], CampaignRunner.ChainSeed(6, "process-kill", 17));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void Parse_ValidShard_GivesIndexAndCount(string text, int index, int count)
        => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("1")]
    [InlineData("-1/3")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void Parse_InvalidShard_IsAUsageError(string text)
        => Assert.Throws<FormatException>(() => Shard.Parse(text));
}
