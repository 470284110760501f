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
        var profile = CommonOptions.Choice("--profile", "check the same kill's crash states under this persistence profile instead of the saved state: every state it admits when there are at most 64, else a sample (posix, ext4-ordered)",
            [.. Storage.Faults.Profiles.KnownProfiles.Names]);
        var attempts = new Option<int>("--attempts") { Description = "runs before a FUSE case counts as not reproduced (a backend with racing threads can take another path in one run)", DefaultValueFactory = _ => 5 };
        var result = new Command("replay", "Re-run a saved failure: restore the data directory it left, restart the backend, judge the recovery again.")
        {
            caseFile, backend, command, keep, attempts, timeout, profile,
        };
        CommonOptions.Examples(result, "crashlab replay crashlab-out/cases/case-process-kill-9730166c44e64dc7-3.json", "crashlab replay CASE.json --backend-cmd \"python3 my_wal_fixed.py\"   # after a fix",
            "crashlab replay CASE.json --profile ext4-ordered            # does the same kill fail on ext4 (data=ordered)?");
        result.SetAction((parse, token) => RunAsync(parse.GetValue(caseFile)!, parse.GetValue(backend), parse.GetValue(command), parse.GetValue(keep), parse.GetValue(attempts), parse.GetValue(timeout), token, parse.GetValue(profile)));
        return result;
    }

    private static async Task<int> RunAsync(FileInfo file, string? backendOverride, string? commandOverride, DirectoryInfo? keep, int attempts, string? timeoutText, CancellationToken token, string? profile = null)
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

        if (profile != null)
        {
            if (saved.WhiteBox is not { States: [var failing, ..] } whiteBox || failing.Mode == Storage.Faults.Model.CrashModes.Name(Storage.Faults.Model.CrashMode.KeepAll))
                return CommonOptions.Usage("replay", $"{file.Name} did not fail in a power-loss crash state: a process crash keeps every operation under every profile, so --profile changes nothing");
            // The same kill, judged on the states the profile admits: its composition of the saved mode and seed first, then the rest of them.
            saved = saved with { WhiteBox = whiteBox with { States = [failing with { Profile = null, Outcomes = null }], StatesWanted = 1, Profiles = [profile], Enumeration = Storage.Faults.Profiles.EnumerationLimits.Default } };
            Console.WriteLine($"checking the kill's crash states under {profile} (the saved state was {failing.Profile ?? "posix"}'s)");
        }

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
