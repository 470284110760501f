using System.Text.RegularExpressions;

namespace CrashLab.Cli.Tests.Tutorial;

/// <summary>
/// The runnable parts of a markdown page, in order: files to write (a fence whose info string ends
/// in <c>file=NAME</c>) and commands (<c>$ </c> lines of a <c>console</c> fence) with the output
/// the page shows under each. Other fences are prose.
/// </summary>
public static partial class MarkdownSteps
{
    public abstract record Step;

    public sealed record WriteFile(string Name, string Content) : Step;

    /// <summary>A command and the lines the page shows after it; "…" in a line stands for any text, a line of only "…" for any lines.</summary>
    public sealed record Command(string Line, IReadOnlyList<string> Expected) : Step;

    public static List<Step> Parse(string markdown)
    {
        var steps = new List<Step>();
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (Fence().Match(lines[i]) is not { Success: true } fence)
                continue;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                body.Add(lines[i]);
            if (fence.Groups["file"].Success)
                steps.Add(new WriteFile(fence.Groups["file"].Value, string.Join('\n', body) + "\n"));
            else if (fence.Groups["lang"].Value == "console")
                steps.AddRange(Commands(body));
        }

        return steps;
    }

    private static IEnumerable<Command> Commands(List<string> body)
    {
        for (var i = 0; i < body.Count; i++)
        {
            if (!body[i].StartsWith("$ ", StringComparison.Ordinal))
                continue;
            var expected = body.Skip(i + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).Where(l => l.Trim().Length > 0).ToList();
            yield return new Command(body[i][2..], expected);
        }
    }

    /// <summary>Where the expected lines fail to appear in order in <paramref name="actual"/> (null when they all do).</summary>
    public static string? Mismatch(IReadOnlyList<string> expected, string actual)
    {
        var lines = actual.Split('\n');
        var at = 0;
        foreach (var line in expected.Where(l => l.Trim() != "…"))
        {
            var pattern = new Regex("^" + string.Join(".*", line.TrimEnd().Split('…').Select(Regex.Escape)) + "\\s*$");
            while (at < lines.Length && !pattern.IsMatch(lines[at]))
                at++;
            if (at == lines.Length)
                return line;
            at++;
        }

        return null;
    }

    [GeneratedRegex(@"^```(?<lang>\w*)(?: +file=(?<file>\S+))?\s*$")]
    private static partial Regex Fence();
}
