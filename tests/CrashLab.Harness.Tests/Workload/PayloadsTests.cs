using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Model;
using FsCheck;
using FsCheck.Xunit;

namespace CrashLab.Harness.Tests.Workload;

/// <summary>
/// A record's contents follow from (seed, batch, index) alone: a case file written by an earlier
/// build replays with the same bytes, and the oracle compares a returned record against them.
/// </summary>
public sealed class PayloadsTests
{
    [Property(MaxTest = 200)]
    public void Bytes_AreTheGeneratorsWordsInMachineOrder_TheLastOneCut(ulong seed, NonNegativeInt batch, NonNegativeInt index, byte lengthSeed)
    {
        var id = new RecordId(batch.Get, index.Get, lengthSeed * 13 % 3001);

        var bytes = new Payloads(seed).Bytes(id);

        Assert.Equal(WordByWord(seed, id), bytes);
    }

    [Property(MaxTest = 200)]
    public void Matches_TheRecordItMade_AndNoRecordWithOneByteChanged(ulong seed, NonNegativeInt batch, byte lengthSeed, int at)
    {
        var payloads = new Payloads(seed);
        var id = new RecordId(batch.Get, 0, 1 + lengthSeed * 13 % 3000);
        var bytes = payloads.Bytes(id);
        Assert.True(payloads.Matches(id, bytes));

        bytes[(at & int.MaxValue) % bytes.Length] ^= 0x20;

        Assert.False(payloads.Matches(id, bytes));
    }

    /// <summary>The contents as the first builds made them, 8 bytes at a time through BitConverter: the reference.</summary>
    private static byte[] WordByWord(ulong seed, RecordId id)
    {
        var random = new SplitMix(SplitMix.Hash(seed, (ulong)id.Batch, (ulong)id.Index));
        var bytes = new List<byte>();
        while (bytes.Count < id.Length)
            bytes.AddRange(BitConverter.GetBytes(random.Next()));
        return [.. bytes.Take(id.Length)];
    }
}
