using System.Text.RegularExpressions;

namespace CrashLab.Cli.Tests;

/// <summary>The docs stand on their own: every link stays inside the repository and lands on a file, and the contract's edge cases are in them.</summary>
public sealed partial class DocsTests
{
    private static IEnumerable<string> Pages()
        => Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md").Append(Path.Combine(Repository.Root, "README.md"));

    [Fact]
    public void Links_EveryPage_PointInsideTheRepositoryAtFilesThatExist()
    {
        foreach (var page in Pages())
        {
            var text = File.ReadAllText(page);
            Assert.DoesNotContain("../shared", text, StringComparison.Ordinal);
            foreach (var link in Link().Matches(text).Select(m => m.Groups[1].Value).Where(l => !l.Contains("://", StringComparison.Ordinal) && !l.StartsWith('#')))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, link.Split('#')[0]));
                Assert.True(target.StartsWith(Repository.Root, StringComparison.Ordinal) && (File.Exists(target) || Directory.Exists(target)), $"{Path.GetFileName(page)} links to {link}, which is not in the repository");
            }
        }
    }

    [Theory]
    [InlineData("protocol.md", "0 on a fresh")]
    [InlineData("protocol.md", "over\n  16 MiB")]
    [InlineData("protocol.md", "`max_records` below 1, a negative `max_bytes`, a `before_lsn` below 1")]
    [InlineData("protocol.md", "`max_bytes` 0 is valid")]
    [InlineData("protocol.md", "answer `poisoned` to every later\n  write")]
    [InlineData("protocol.md", "or fail-stop")]
    [InlineData("fault-model.md", "## 4. The oracle: seven rules")]
    [InlineData("fault-model.md", "| L4 | corruption-detecting |")]
    [InlineData("fault-model.md", "**L1 proves nothing about fsync or power loss**")]
    public void Contract_TheDocs_StateItInFull(string page, string passage)
        => Assert.Contains(passage, File.ReadAllText(Path.Combine(Repository.Root, "docs", page)), StringComparison.Ordinal);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
