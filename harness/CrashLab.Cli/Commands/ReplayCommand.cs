using System.CommandLine;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab replay CASE.json: re-runs a saved failure and says whether it still fails the same way.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var caseFile = new Argument<FileInfo>("case") { Description = "a case file written by a campaign (cases/case-*.json)" };
        var backend = CommonOptions.Backend();
        var command = CommonOptions.BackendCommand();
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "keep the replay's working files (data, trace, crash states) in this new directory" };
        var timeout = CommonOptions.Timeout();
        var attempts = new Option<int>("--attempts") { Description = "runs before a FUSE case counts as not reproduced (a backend with racing threads can take another path in one run)", DefaultValueFactory = _ => 5 };
        var result = new Command("replay", "Re-run a saved failure: restore the data directory it left, restart the backend, judge the recovery again.")
        {
            caseFile, backend, command, keep, attempts, timeout,
        };
        CommonOptions.Examples(result, "crashlab replay crashlab-out/cases/case-process-kill-9730166c44e64dc7-3.json", "crashlab replay CASE.json --backend-cmd \"python3 my_wal_fixed.py\"   # after a fix");
        result.SetAction((parse, token) => RunAsync(parse.GetValue(caseFile)!, parse.GetValue(backend), parse.GetValue(command), parse.GetValue(keep), parse.GetValue(attempts), parse.GetValue(timeout), token));
        return result;
    }

    private static async Task<int> RunAsync(FileInfo file, string? backendOverride, string? commandOverride, DirectoryInfo? keep, int attempts, string? timeoutText, CancellationToken token)
    {
        if (attempts < 1)
            return CommonOptions.Usage("replay", "--attempts must be at least 1");
        HarnessTimeouts timeouts;
        try
        {
            timeouts = CommonOptions.ParseTimeout(timeoutText);
        }
        catch (FormatException e)
        {
            return CommonOptions.Usage("replay", e.Message);
        }

        if (!CommonOptions.TryLoadCase("replay", file, backendOverride, commandOverride, out var saved, out var backend, out var usage))
            return usage;
        // Another backend (a fix) is judged by what it acknowledges itself, not by what the original acknowledged.
        if ((backendOverride != null || commandOverride != null) && saved.WhiteBox != null)
            saved = saved with { WhiteBox = saved.WhiteBox with { ModelAfterRun = null } };

        Console.WriteLine($"case: {file.Name} — scenario {saved.Scenario.Name}, chain seed {saved.ChainSeed:x16}, cycle {saved.Cycle}, {saved.Stage}");
        Console.WriteLine($"saved violation: rule {saved.Violation.Rule}: {saved.Violation.Message}");
        if (keep is { Exists: true })
            return CommonOptions.Usage("replay", $"{keep.FullName} already exists");
        if (CommonOptions.CannotRun("replay", backend) is { } cannot)
            return cannot;
        var work = keep != null ? Directory.CreateDirectory(keep.FullName).FullName : Directory.CreateTempSubdirectory("crashlab-replay-").FullName;
        var signals = StopSignals.Current;
        signals.AbortAtFirstSignal();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(token, signals.Abort);
        try
        {
            var outcome = await CaseReplayer.ReplayAsync(saved, backend, work, timeouts, abort.Token, backend.Fuse ? attempts : 1).ConfigureAwait(false);
            if (signals.Stop.IsCancellationRequested)
                return Stopped(signals);
            if (outcome.Notes.Length > 0)
                Console.WriteLine($"note: {outcome.Notes}");
            if (outcome.Violation == null)
            {
                Console.WriteLine($"not reproduced: {backend} now recovers this state correctly");
                return ExitCodes.Pass;
            }

            Console.WriteLine($"{(outcome.SameRule ? "reproduced" : "different failure")}: rule {outcome.Violation.Rule}: {outcome.Violation.Message}");
            return ExitCodes.Violation;
        }
        catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
        {
            return Stopped(signals);
        }
        catch (Exception e) when (HarnessFault.Is(e))
        {
            return CommonOptions.HarnessFailure("replay", e);
        }
        finally
        {
            if (keep == null)
                Directory.Delete(work, recursive: true);
            else
                Console.WriteLine($"working files kept in {work}");
        }
    }

    /// <summary>A signal killed the backend: whatever it did after that was not judged.</summary>
    private static int Stopped(StopSignals signals)
    {
        Console.WriteLine($"stopped by {signals.Received}: the replay was not judged");
        return signals.ExitCode;
    }
}
