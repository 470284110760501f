using CrashLab.Engine.Host.Hosting;

namespace CrashLab.Engine.Host.Tests.Hosting;

public sealed class EngineCommandLineTests
{
    [Theory]
    [InlineData("65536", 65536)]
    [InlineData("64KiB", 65536)]
    [InlineData("1MiB", 1 << 20)]
    [InlineData("2m", 2 << 20)]
    public void ParseSize_KnownForms_GiveBytes(string text, long bytes) => Assert.Equal(bytes, EngineCommandLine.ParseSize(text));

    [Theory]
    [InlineData("--segment-bytes", "12abc")]
    [InlineData("--segment-bytes", "1000")]
    [InlineData("--bogus", "x")]
    [InlineData("--log-level", "loud")]
    public void Parse_BadOption_SaysWhatIsWrong(string option, string value)
    {
        var error = Assert.Throws<UsageException>(() => EngineCommandLine.Parse([option, value], _ => "/tmp/x"));
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoDataDirectory_IsAUsageError()
        => Assert.Contains("CRASHLAB_DATA_DIR", Assert.Throws<UsageException>(() => EngineCommandLine.Parse([], _ => null)).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_OtherProtocolVersion_IsRefused()
        => Assert.Throws<UsageException>(() => EngineCommandLine.Parse([], name => name == "CRASHLAB_PROTOCOL" ? "2" : "/tmp/x"));
}
