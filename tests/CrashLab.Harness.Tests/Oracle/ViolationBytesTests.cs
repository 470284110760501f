using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Oracle;

/// <summary>A record that differs is shown where it differs, not only by its first and last bytes.</summary>
public sealed class ViolationBytesTests
{
    [Fact]
    public void AroundFirstDifference_FlipDeepInALargeRecord_ShowsTheBytesAroundIt()
    {
        var expected = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        var actual = (byte[])expected.Clone();
        actual[1000] ^= 0x10;

        var (want, got) = Violation.AroundFirstDifference(expected, actual);

        Assert.StartsWith("@992: ", want, StringComparison.Ordinal);
        Assert.StartsWith("@992: ", got, StringComparison.Ordinal);
        Assert.EndsWith("(4096 bytes)", want, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(expected.AsSpan(992, 24)), want.Split(' ')[1]);
        Assert.Equal(Convert.ToHexString(actual.AsSpan(992, 24)), got.Split(' ')[1]);
    }

    [Fact]
    public void AroundFirstDifference_ShortRecords_AreShownWhole()
    {
        var (want, got) = Violation.AroundFirstDifference([1, 2, 3], [1, 2]);

        Assert.Equal("010203", want);
        Assert.Equal("0102", got);
    }
}
