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
    [InlineData("wal/000005.log", 8192, 4096, true)] // a bare name: a case from before paths
    [InlineData("wal/x000005.log", 8192, 4096, false)]
    public void Covers_MatchesTheFileAndAReadOverItsByte(string file, long offset, int length, bool covers)
        => Assert.Equal(covers, Target.Covers(file, offset, length));

    [Theory]
    [InlineData("wal/000005.log", true)]
    [InlineData("index/000005.log", false)]
    [InlineData("000005.log", false)] // the root's file of that name is another file
    public void Covers_ATargetNamingAPath_MatchesThatPathOnly(string file, bool covers)
        => Assert.Equal(covers, (Target with { File = "wal/000005.log" }).Covers(file, 8192, 4096));

    [Theory]
    [InlineData("/data/000005.log", "000005.log")]
    [InlineData("/data/wal/000005.log", "wal/000005.log")]
    [InlineData("/data/..old", "..old")]
    [InlineData("/elsewhere/000005.log", "/elsewhere/000005.log")]
    public void FileOf_NamesAFileByItsPathInsideTheDataDirectory(string path, string expected)
        => Assert.Equal(expected, ReadTarget.FileOf("/data", path));

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
