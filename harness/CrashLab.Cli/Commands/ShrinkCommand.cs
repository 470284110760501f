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
        var timeout = CommonOptions.Timeout();
        var result = new Command("shrink", "Minimise a failing white-box case while it still fails: fewer requests, smaller records, fewer faults, an earlier crash point, a crash state that keeps less.")
        {
            caseFile, output, attempts, timeout,
        };
        CommonOptions.Examples(result, "crashlab shrink CASE.json --out CASE.min.json && crashlab replay CASE.min.json");
        result.SetAction((parse, token) => RunAsync(parse.GetValue(caseFile)!, parse.GetValue(output), parse.GetValue(attempts), parse.GetValue(timeout), token));
        return result;
    }

    private static async Task<int> RunAsync(FileInfo file, FileInfo? output, int attempts, string? timeoutText, CancellationToken token)
    {
        if (!CommonOptions.TryLoadCase("shrink", file, null, null, out var saved, out var backend, out var usage))
            return usage;
        if (saved.WhiteBox?.Requests == null)
            return CommonOptions.Usage("shrink", "only white-box cases (with recorded requests) can be shrunk; black-box cases hold a data directory, not a run");
        HarnessTimeouts timeouts;
        try
        {
            timeouts = CommonOptions.ParseTimeout(timeoutText);
        }
        catch (FormatException e)
        {
            return CommonOptions.Usage("shrink", e.Message);
        }

        if (CommonOptions.CannotRun("shrink", backend) is { } cannot)
            return cannot;
        var target = output?.FullName ?? Path.ChangeExtension(file.FullName, ".min.json");
        Console.WriteLine($"shrinking {file.Name}: rule {saved.Violation.Rule}");
        Console.WriteLine($"before: {CaseSize.Of(saved)}");
        var signals = StopSignals.Current;
        signals.AbortAtFirstSignal();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(token, signals.Abort);
        var shrinker = new Shrinker(backend, timeouts, Console.WriteLine);
        CaseFile minimal;
        try
        {
            var first = await shrinker.ReproduceAsync(saved, abort.Token).ConfigureAwait(false);
            if (!signals.Stop.IsCancellationRequested && !first.SameRule)
                return NotReproduced(first);
            minimal = await shrinker.ShrinkAsync(saved, attempts, abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
        {
            minimal = shrinker.Best ?? saved;
        }
        catch (Exception e) when (HarnessFault.Is(e))
        {
            return CommonOptions.HarnessFailure("shrink", e);
        }

        if (signals.Stop.IsCancellationRequested && ReferenceEquals(minimal, saved))
        {
            Console.WriteLine($"stopped by {signals.Received} after {shrinker.Attempts} replays: nothing smaller found, nothing written");
            return signals.ExitCode;
        }

        Console.WriteLine($"after:  {CaseSize.Of(minimal)} ({shrinker.Attempts} replays{(signals.Stop.IsCancellationRequested ? $", stopped by {signals.Received}" : "")})");
        Console.WriteLine($"still fails: rule {minimal.Violation.Rule}: {minimal.Violation.Message}");
        try
        {
            AtomicFile.Write(target, JsonSerializer.Serialize(minimal with { Summary = Harness.Reports.Html.Story.Tell(minimal) }, CaseFile.Json));
        }
        catch (Exception e) when (HarnessFault.Is(e))
        {
            return CommonOptions.HarnessFailure("shrink", e);
        }

        Console.WriteLine($"wrote {target} (crashlab replay {target})");
        return ExitCodes.Violation;
    }

    /// <summary>The saved failure did not come back as saved: there is nothing to shrink, and what happened instead is said.</summary>
    private static int NotReproduced(Harness.Campaigns.CaseReplayer.Outcome outcome)
    {
        if (outcome.Violation == null)
        {
            Console.WriteLine("not reproduced: the backend now recovers this state correctly; nothing to shrink");
            return ExitCodes.Pass;
        }

        Console.WriteLine($"different failure: rule {outcome.Violation.Rule}: {outcome.Violation.Message}; nothing to shrink (shrinking keeps the saved rule)");
        return ExitCodes.Violation;
    }
}
