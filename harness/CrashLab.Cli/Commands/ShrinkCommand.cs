using System.CommandLine;
using System.Text.Json;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Reports;
using CrashLab.Harness.WhiteBox;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab shrink CASE.json: the smallest case that still fails the same way.</summary>
internal static class ShrinkCommand
{
    public static Command Create()
    {
        var caseFile = new Argument<FileInfo>("case") { Description = "a white-box case file (from a power-loss or fault campaign)" };
        var output = new Option<FileInfo?>("--out") { Description = "where to write the minimised case (default: CASE.min.json)" };
        var attempts = new Option<int>("--attempts") { Description = "replays to spend at most", DefaultValueFactory = _ => 80 };
        var result = new Command("shrink", "Minimise a failing white-box case while it still fails: fewer requests, smaller records, fewer faults, an earlier crash point, a crash state that keeps less.")
        {
            caseFile, output, attempts,
        };
        CommonOptions.Examples(result, "crashlab shrink CASE.json --out CASE.min.json && crashlab replay CASE.min.json");
        result.SetAction((parse, token) => RunAsync(parse.GetValue(caseFile)!, parse.GetValue(output), parse.GetValue(attempts), token));
        return result;
    }

    private static async Task<int> RunAsync(FileInfo file, FileInfo? output, int attempts, CancellationToken token)
    {
        if (!CommonOptions.TryLoadCase("shrink", file, null, null, out var saved, out var backend, out var usage))
            return usage;
        if (saved.WhiteBox?.Requests == null)
            return CommonOptions.Usage("shrink", "only white-box cases (with recorded requests) can be shrunk; black-box cases hold a data directory, not a run");

        if (CommonOptions.CannotRun("shrink", backend) is { } cannot)
            return cannot;
        var target = output?.FullName ?? Path.ChangeExtension(file.FullName, ".min.json");
        Console.WriteLine($"shrinking {file.Name}: rule {saved.Violation.Rule}");
        Console.WriteLine($"before: {CaseSize.Of(saved)}");
        var shrinker = new Shrinker(backend, HarnessTimeouts.Default, Console.WriteLine);
        CaseFile minimal;
        try
        {
            minimal = await shrinker.ShrinkAsync(saved, attempts, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return CommonOptions.HarnessFailure("shrink", e);
        }

        Console.WriteLine($"after:  {CaseSize.Of(minimal)} ({shrinker.Attempts} replays)");
        Console.WriteLine($"still fails: rule {minimal.Violation.Rule}: {minimal.Violation.Message}");
        AtomicFile.Write(target, JsonSerializer.Serialize(minimal with { Summary = Harness.Reports.Html.Story.Tell(minimal) }, CaseFile.Json));
        Console.WriteLine($"wrote {target} (crashlab replay {target})");
        return ExitCodes.Violation;
    }
}
