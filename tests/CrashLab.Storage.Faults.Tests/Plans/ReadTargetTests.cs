using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Tests.Plans;

public sealed class ReadTargetTests
{
    private static readonly ReadTarget Target = new() { File = "000005.log", Offset = 8192, Length = 4096, Occurrence = 1 };

    [Theory]
    [InlineData("000005.log", 8192, 1, true)]
    [InlineData("000005.log", 0, 8193, true)]
    [InlineData("000005.log", 4096, 4096, false)] // ends just before the byte
    [InlineData("000005.log", 8193, 4096, false)] // starts just after it
    [InlineData("000005.log", 8192, 0, false)]
    [InlineData("000006.log", 8192, 4096, false)]
    public void Covers_MatchesTheFileAndAReadOverItsByte(string file, long offset, int length, bool covers)
        => Assert.Equal(covers, Target.Covers(file, offset, length));

    [Fact]
    public void LogLine_RoundTrips_ANameWithSpaces()
    {
        var target = Target with { File = "my log 1", Occurrence = 3 };

        Assert.Equal("8192 4096 3 my log 1", target.ToLogLine());
        Assert.Equal(target, ReadTarget.ParseLogLine(target.ToLogLine()));
    }

    [Theory]
    [InlineData("8192 4096 1")]
    [InlineData("x 4096 1 f")]
    [InlineData("8192 4096 1 ")]
    public void ParseLogLine_DamagedLine_SaysWhatItExpected(string line)
        => Assert.Contains("offset length occurrence file", Assert.Throws<FormatException>(() => ReadTarget.ParseLogLine(line)).Message, StringComparison.Ordinal);
}
