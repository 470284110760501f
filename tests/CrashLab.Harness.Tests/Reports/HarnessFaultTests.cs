using CrashLab.Harness.Reports;

namespace CrashLab.Harness.Tests.Reports;

/// <summary>The harness's own write failures are said in one line with the path and the errno.</summary>
public sealed class HarnessFaultTests
{
    [Fact]
    public void AtomicWrite_IntoADirectoryThatIsAFile_NamesThePathAndTheErrno()
    {
        var file = Path.GetTempFileName();
        try
        {
            var target = Path.Combine(file, "report.json");

            var failure = Assert.Throws<HarnessWriteException>(() => AtomicFile.Write(target, "{}"));

            Assert.StartsWith($"cannot write {target}: ", failure.Message, StringComparison.Ordinal);
            Assert.Matches(@"\((ENOTDIR|EEXIST|errno \d+)\)$", failure.Message);
            Assert.DoesNotContain('\n', failure.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Describe_DotnetMessageWithAPath_PutsThePathFirstAndTheErrnoLast()
    {
        var e = new IOException("No space left on device : '/out/report.json'", 28);

        Assert.Equal("/out/report.json: No space left on device (ENOSPC)", HarnessFault.Describe(e));
    }
}
