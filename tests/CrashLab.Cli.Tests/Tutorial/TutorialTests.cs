using System.Text;

namespace CrashLab.Cli.Tests.Tutorial;

/// <summary>
/// docs/tutorial.md runs as written: its files are written and its commands run in order in an
/// empty directory, with `crashlab` on PATH (the CLI built beside these tests, as
/// scripts/install.sh would link it), and each command's output holds the lines the page shows.
/// </summary>
public sealed class TutorialTests : CliTest
{
    private static string Page => Path.Combine(Repository.Root, "docs", "tutorial.md");

    [Fact]
    public void Parse_Tutorial_HasTheBackendAndEveryStepFromCheckToReplay()
    {
        var steps = MarkdownSteps.Parse(File.ReadAllText(Page));

        Assert.Contains(steps, s => s is MarkdownSteps.WriteFile { Name: "wal.js" });
        var commands = steps.OfType<MarkdownSteps.Command>().Select(c => c.Line).ToList();
        foreach (var needed in new[] { "crashlab check", "crashlab certify", "--bug-ack-early", "crashlab replay" })
            Assert.Contains(commands, c => c.Contains(needed, StringComparison.Ordinal));
        Assert.All(steps.OfType<MarkdownSteps.Command>().Where(c => c.Line.StartsWith("crashlab", StringComparison.Ordinal)), c => Assert.NotEmpty(c.Expected));
    }

    [Fact]
    public async Task Tutorial_RunAsWritten_EveryCommandPrintsWhatThePageShows()
    {
        var steps = MarkdownSteps.Parse(await File.ReadAllTextAsync(Page));
        var bin = Directory.CreateDirectory(Path.Combine(Dir, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "crashlab"), Path.Combine(AppContext.BaseDirectory, "crashlab"));
        var work = Directory.CreateDirectory(Path.Combine(Dir, "empty")).FullName;

        var result = await Repository.BashAsync(Script(steps), work, new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" }, TimeSpan.FromMinutes(10));

        var outputs = result.Stdout.Split("@@@ command ")[1..];
        var commands = steps.OfType<MarkdownSteps.Command>().ToList();
        Assert.Equal(commands.Count, outputs.Length);
        for (var i = 0; i < commands.Count; i++)
        {
            var missing = MarkdownSteps.Mismatch(commands[i].Expected, outputs[i]);
            Assert.True(missing == null, $"$ {commands[i].Line}\nthe page shows a line the run did not print:\n  {missing}\nthe run printed:\n{outputs[i]}");
        }

        // Nothing the tutorial's commands printed or wrote names a type or prints a record as C# would.
        var written = Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".html" or ".json" or ".xml" or ".txt").Select(File.ReadAllText);
        foreach (var text in written.Prepend(result.Stdout))
            HumanText.AssertNoInternalNames(text);
    }

    /// <summary>One bash script: each file written by a here-document, each command's output after a marker.</summary>
    private static string Script(List<MarkdownSteps.Step> steps)
    {
        var script = new StringBuilder("set +e\n");
        var index = 0;
        foreach (var step in steps)
        {
            if (step is MarkdownSteps.WriteFile file)
                script.Append($"cat > {file.Name} <<'CRASHLAB_TUTORIAL_EOF'\n{file.Content}CRASHLAB_TUTORIAL_EOF\n");
            else if (step is MarkdownSteps.Command command)
                script.Append($"echo '@@@ command {index++}'\n{command.Line} 2>&1\n");
        }

        return script.ToString();
    }
}
