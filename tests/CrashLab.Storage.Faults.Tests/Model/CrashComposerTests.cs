using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Tests.Model;

/// <summary>How a pending write survives a power loss in each crash mode.</summary>
public sealed class CrashComposerTests
{
    private const int Sector = 512;
    private const int Sectors = 8;

    [Fact]
    public void Compose_PrefixMode_TornWriteKeepsOnlyLeadingSectors()
    {
        var kept = Enumerable.Range(0, 64).Select(seed => Compose(CrashMode.Prefix, (ulong)seed).Kept).ToList();

        Assert.All(kept, k => Assert.True(k.IsPrefix, $"sectors kept: {k.Mask}"));
        Assert.Contains(kept, k => k.Count is > 0 and < Sectors);
    }

    [Fact]
    public void Compose_RandomSubsetMode_TornWriteCanKeepLaterSectorsAlone()
    {
        var kept = Enumerable.Range(0, 64).Select(seed => Compose(CrashMode.RandomSubset, (ulong)seed).Kept).ToList();

        Assert.Contains(kept, k => !k.IsPrefix);
    }

    [Fact]
    public void Compose_EachMode_CountsTornWritesOnlyWhenAWriteIsTorn()
    {
        foreach (var mode in Enum.GetValues<CrashMode>())
        {
            for (var seed = 0UL; seed < 64; seed++)
            {
                var (image, kept) = Compose(mode, seed);
                if (kept.Count is > 0 and < Sectors)
                    Assert.Equal(1, image.TornWrites);
                if (mode == CrashMode.DropAll)
                    Assert.Equal(0, image.TornWrites);
            }
        }
    }

    [Fact]
    public void Compose_KeepAll_KeepsEveryPendingOperationAsAProcessCrashDoes()
    {
        var kept = Enumerable.Range(0, 16).Select(seed => Compose(CrashMode.KeepAll, (ulong)seed).Kept).ToList();

        Assert.All(kept, k => Assert.Equal(Sectors, k.Count));
    }

    [Fact]
    public void Compose_Fates_SayWhatBecameOfEachOperation()
    {
        var durable = new FsImage();
        durable.Entries["f"] = 1;
        durable.Inodes[1] = new FileData(new byte[Sector * Sectors]);
        var write = new WriteOp(7, 1, 0, Sector * Sectors) { Data = Enumerable.Repeat((byte)0xff, Sector * Sectors).ToArray() };
        var fates = new List<OpFate>();

        CrashComposer.Compose(durable, [write], CrashMode.DropAll, 1, Sector, fates);

        Assert.Equal([new OpFate(7, "lost", null)], fates);
    }

    private static (FsImage Image, SectorsKept Kept) Compose(CrashMode mode, ulong seed)
    {
        var durable = new FsImage();
        durable.Entries["f"] = 1;
        durable.Inodes[1] = new FileData(new byte[Sector * Sectors]);
        var write = new WriteOp(1, 1, 0, Sector * Sectors) { Data = Enumerable.Repeat((byte)0xff, Sector * Sectors).ToArray() };

        var image = CrashComposer.Compose(durable, [write], mode, seed, Sector);

        var content = image.Data(1).Content.ToArray();
        var mask = string.Concat(Enumerable.Range(0, Sectors).Select(s => content[s * Sector] == 0xff ? '1' : '0'));
        return (image, new SectorsKept(mask));
    }

    private sealed record SectorsKept(string Mask)
    {
        public int Count => Mask.Count(c => c == '1');

        public bool IsPrefix => !Mask.Contains("01", StringComparison.Ordinal);
    }
}
