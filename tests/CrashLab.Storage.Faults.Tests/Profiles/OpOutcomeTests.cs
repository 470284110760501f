using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>How a torn write's fate is worded for a report: the file bytes kept and lost, numbers a reader can find in the file.</summary>
public sealed class OpOutcomeTests
{
    /// <summary>
    /// The FUSE benchmark's case (seed 1): a 518-byte append at 2149882 touches the disk's sectors
    /// 4198 (its first 6 bytes) and 4199 (the other 512); the state kept the second and lost the first.
    /// "kept sectors 1 of 2" read as a count, and hid that the frame's first bytes were the ones lost.
    /// </summary>
    [Fact]
    public void Detail_WriteThatLostItsFirstSector_NamesTheBytesKeptAndLost()
    {
        var write = Append(offset: 2149882, length: 518);

        var detail = OpOutcome.Write(write, [1], null, 512).Detail(write, 512);

        Assert.Equal("kept bytes 2149888–2150399 and lost bytes 2149882–2149887, in whole 512 B sectors", detail);
    }

    [Fact]
    public void Detail_SectorsKeptApart_JoinsNeighboursIntoRuns()
    {
        var write = Append(offset: 0, length: 2048 + 1);

        var detail = OpOutcome.Write(write, [1, 2, 4], null, 512).Detail(write, 512);

        Assert.Equal("kept bytes 512–1535 and 2048 and lost bytes 0–511 and 1536–2047, in whole 512 B sectors", detail);
    }

    [Fact]
    public void Detail_PrefixKept_StaysAsCountOfFirstSectors()
    {
        var write = Append(offset: 100, length: 1500);

        var detail = OpOutcome.Write(write, [0, 1], null, 512).Detail(write, 512);

        Assert.Equal("kept the first 2 of 4 sectors (512 B)", detail);
    }

    private static WriteOp Append(long offset, int length)
        => new(sequence: 8, inode: 1, offset, length) { OldLength = offset, Data = new byte[length] };
}
