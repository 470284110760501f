using CrashLab.Harness.Backends;
using FsCheck;
using FsCheck.Xunit;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>The pooled buffer request lines and append payloads are written into: every byte kept in order, no array per use.</summary>
public sealed class PooledBufferTests
{
    [Property(MaxTest = 200)]
    public void Chunks_WrittenInAnySizes_AreWrittenInOrder(byte[][] chunks, byte initialSeed)
    {
        using var buffer = new PooledBuffer(initialSeed * 7);

        foreach (var chunk in chunks)
        {
            chunk.CopyTo(buffer.GetSpan(chunk.Length));
            buffer.Advance(chunk.Length);
        }

        Assert.Equal(chunks.SelectMany(c => c).ToArray(), buffer.Written.ToArray());
    }

    [Fact]
    public void ALineOfMegabytes_WrittenAgain_TakesNoNewArrayOfItsSize()
    {
        var line = new byte[3 << 20];
        Random.Shared.NextBytes(line);
        WriteOnce(line); // the pool's first array of this size is made here

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = WriteOnce(line);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(written);
        Assert.InRange(allocated, 0, 4 << 10);
    }

    [Fact]
    public void Advance_PastWhatWasAskedFor_Throws()
    {
        using var buffer = new PooledBuffer(16);
        var room = buffer.GetSpan(16).Length;

        Assert.Throws<InvalidOperationException>(() => buffer.Advance(room + 1));
    }

    [Fact]
    public void AfterDispose_NothingMoreIsWritten()
    {
        var buffer = new PooledBuffer(16);
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan(1));
        buffer.Dispose(); // twice is harmless: the array went back to the pool once
    }

    private static bool WriteOnce(byte[] line)
    {
        using var buffer = new PooledBuffer();
        line.CopyTo(buffer.GetSpan(line.Length));
        buffer.Advance(line.Length);
        return buffer.Written.Span.SequenceEqual(line);
    }
}
