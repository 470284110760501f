using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CrashLab.Cli.Tests;

/// <summary>
/// There is no Docker daemon where these tests run, so the image's build is checked by what it
/// needs: every file the CLI's project graph reaches (project references, and the examples and
/// scenarios it ships) must lie in a directory the build stage copies, or `docker build` fails
/// on a clean machine (it once lacked protocol/ and examples/).
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string Dockerfile = Path.Combine(Repository.Root, "docker", "Dockerfile");

    [Fact]
    public void BuildStage_CopiesEveryDirectoryTheCliBuildReads()
    {
        var copied = CopiedInBuildStage();
        var needed = Reached(Path.Combine(Repository.Root, "harness", "CrashLab.Cli", "CrashLab.Cli.csproj"));

        var missing = needed.Where(path => !copied.Any(c => path == c || path.StartsWith(c + "/", StringComparison.Ordinal))).Order().ToList();

        Assert.True(missing.Count == 0, $"docker/Dockerfile's build stage does not copy: {string.Join(", ", missing)}");
    }

    [Fact]
    public void BuildStage_PublishesWithTheScriptThatCompilesTheEngineNatively()
    {
        var build = BuildStage();

        // A plain `dotnet publish` of the CLI leaves a ReadyToRun engine, whose start costs every crash state ~60 ms more.
        Assert.Contains(build, line => line.StartsWith("RUN ", StringComparison.Ordinal) && line.Contains("scripts/publish-cli.sh /out/crashlab", StringComparison.Ordinal));
        Assert.Contains(build, line => Regex.IsMatch(line, @"apt-get install .*\b(clang|gcc)\b"));
        Assert.Contains(build, line => line.Contains("test -e /out/crashlab/.crashlab-engine-native", StringComparison.Ordinal));
    }

    /// <summary>The build stage's lines, trimmed, with continuation lines joined.</summary>
    private static List<string> BuildStage()
    {
        var text = File.ReadAllText(Dockerfile).Replace("\\\n", " ", StringComparison.Ordinal);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var first = lines.FindIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var second = lines.FindIndex(first + 1, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        return lines[first..second];
    }

    /// <summary>The sources of the COPY lines before the first FROM after the build stage's (paths relative to the root, no trailing slash).</summary>
    private static List<string> CopiedInBuildStage()
    {
        var copied = new List<string>();
        var stages = 0;
        foreach (var line in File.ReadLines(Dockerfile).Select(l => l.Trim()))
        {
            if (line.StartsWith("FROM ", StringComparison.Ordinal) && ++stages > 1)
                break;
            if (!line.StartsWith("COPY ", StringComparison.Ordinal) || line.Contains("--from", StringComparison.Ordinal))
                continue;
            var words = Regex.Split(line, @"\s+").Skip(1).ToList();
            copied.AddRange(words.Take(words.Count - 1).Select(w => w.TrimEnd('/')));
        }

        Assert.NotEmpty(copied);
        return copied;
    }

    /// <summary>Every project and shipped file reachable from <paramref name="project"/>, relative to the root.</summary>
    private static SortedSet<string> Reached(string project)
    {
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!reached.Add(Path.GetRelativePath(Repository.Root, current)))
                continue;
            var directory = Path.GetDirectoryName(current)!;
            foreach (var item in XDocument.Load(current).Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "None" or "Content"))
            {
                foreach (var include in (item.Attribute("Include")?.Value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var full = Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/')));
                    if (item.Name.LocalName == "ProjectReference")
                        pending.Push(full);
                    else
                        reached.Add(Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(full)!));
                }
            }
        }

        return reached;
    }
}
