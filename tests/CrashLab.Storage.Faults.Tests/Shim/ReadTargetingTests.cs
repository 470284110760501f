using CrashLab.Storage.Faults.Plans;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Shim;

/// <summary>
/// Read EIO named by what it struck (file, byte, occurrence) rather than by the read's number:
/// the form a case carries, so that a replay strikes the same read even when other reads come
/// in another order or number (through FUSE the kernel decides which reads reach the shim).
/// </summary>
public sealed class ReadTargetingTests
{
    private static readonly byte[] Page = [.. Enumerable.Range(0, 16384).Select(i => (byte)i)];

    [Fact]
    public void Read_TargetedRule_StrikesOnlyAReadOfThatFileCoveringTheByte()
    {
        using var shim = Targeted(new ReadTarget { File = "b", Offset = 100 });
        using var a = Created(shim, "a");
        using var b = Created(shim, "b");
        var buffer = new byte[100];

        a.Read(0, new byte[4096]); // another file over the byte
        b.Read(0, buffer); // bytes 0..99: ends before it

        Assert.Throws<StorageException>(() => b.Read(64, buffer));
        Assert.Equal(4096, b.Read(0, new byte[4096])); // the second read of byte 100: not the one named
    }

    [Fact]
    public void Read_TargetedRule_StrikesTheNamedOccurrenceOnly()
    {
        using var shim = Targeted(new ReadTarget { File = "f", Offset = 4096, Occurrence = 3 });
        using var file = Created(shim, "f");
        var buffer = new byte[4096];

        file.Read(4096, buffer);
        file.Read(0, new byte[8192]);
        file.Read(0, buffer); // not over the byte: not counted

        Assert.Throws<StorageException>(() => file.Read(4096, buffer));
        Assert.Equal(4096, file.Read(4096, buffer));
    }

    [Fact]
    public void Read_StruckByNumber_IsReportedWithItsFileRangeAndOccurrence()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.ReadEio, Ops = [3] }));
        using var file = Created(shim, "f");

        file.Read(0, new byte[8192]);
        file.Read(8192, new byte[100]);
        Assert.Throws<StorageException>(() => file.Read(4096, new byte[512]));

        Assert.Equal([new ReadTarget { File = "f", Offset = 4096, Length = 512, Occurrence = 2 }], shim.StruckReads);
    }

    [Fact]
    public void Read_TwoFilesOfOneNameInTwoDirectories_AreCountedAndNamedApart()
    {
        using var shim = new ShimHarness(ShimHarness.Plan(new FaultRule { Kind = FaultKind.ReadEio, Ops = [2] }));
        using var wal = Created(shim, "wal/f");
        using var index = Created(shim, "index/f");

        wal.Read(0, new byte[4096]);
        Assert.Throws<StorageException>(() => index.Read(0, new byte[4096]));

        // Its first read: counted by its own path, not after wal/f's read of the same byte.
        Assert.Equal([new ReadTarget { File = "index/f", Offset = 0, Length = 4096, Occurrence = 1 }], shim.StruckReads);
    }

    [Fact]
    public void Read_TargetNamingAPath_StrikesOnlyThatFile()
    {
        using var shim = Targeted(new ReadTarget { File = "index/f", Offset = 0 });
        using var wal = Created(shim, "wal/f");
        using var index = Created(shim, "index/f");

        Assert.Equal(4096, wal.Read(0, new byte[4096]));
        Assert.Throws<StorageException>(() => index.Read(0, new byte[4096]));
    }

    [Fact]
    public void Read_TargetNamingABareName_StillStrikesAFileOfThatNameBelow()
    {
        // A case written when targets carried file names only.
        using var shim = Targeted(new ReadTarget { File = "f", Offset = 0 });
        using var file = Created(shim, "wal/f");

        Assert.Throws<StorageException>(() => file.Read(0, new byte[4096]));
    }

    /// <summary>
    /// Reads of one file at random places, struck one in three by number, are struck again exactly
    /// by the targets they were reported as, with reads of another file slipped in between (which
    /// renumbers every read after them).
    /// </summary>
    [Property(MaxTest = 40)]
    public void StruckReads_ReplayedAsTargets_StrikeTheSameReadsWhateverElseIsRead(ulong seed)
    {
        var random = new Random((int)(seed % int.MaxValue));
        var reads = Enumerable.Range(0, 24).Select(_ => (Offset: (long)random.Next(4) * 4096 + random.Next(2) * 100, Length: 4096 * (1 + random.Next(2)))).ToList();
        List<ReadTarget> struck;
        List<int> original;
        using (var shim = new ShimHarness(new FaultPlan { Seed = seed, Faults = [new FaultRule { Kind = FaultKind.ReadEio, OneIn = 3 }] }))
        {
            original = Failing(shim, reads, interleaved: false);
            struck = shim.StruckReads;
        }

        using var replay = Targeted([.. struck]);

        Assert.Equal(original, Failing(replay, reads, interleaved: true));
    }

    /// <summary>The indexes of <paramref name="reads"/> of file f that failed; with <paramref name="interleaved"/>, a read of file g comes before each.</summary>
    private static List<int> Failing(ShimHarness shim, List<(long Offset, int Length)> reads, bool interleaved)
    {
        using var f = Created(shim, "f");
        using var g = Created(shim, "g");
        var failed = new List<int>();
        for (var i = 0; i < reads.Count; i++)
        {
            if (interleaved)
                g.Read(reads[i].Offset, new byte[reads[i].Length]);
            try
            {
                f.Read(reads[i].Offset, new byte[reads[i].Length]);
            }
            catch (StorageException)
            {
                failed.Add(i);
            }
        }

        return failed;
    }

    private static ShimHarness Targeted(params ReadTarget[] reads)
        => new(ShimHarness.Plan(reads.Length == 0 ? [] : [new FaultRule { Kind = FaultKind.ReadEio, Reads = reads }]));

    private static IStorageFile Created(ShimHarness shim, string name)
    {
        if (Path.GetDirectoryName(name) is { Length: > 0 } directory)
            shim.Fs.CreateDirectory(shim.PathOf(directory));
        var file = shim.Fs.Open(shim.PathOf(name), OpenMode.CreateNew);
        file.Write(0, Page);
        return file;
    }
}
