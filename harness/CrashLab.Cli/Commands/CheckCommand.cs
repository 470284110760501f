using System.CommandLine;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Conformance;
using CrashLab.Harness.Reports;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab check: does the backend speak protocol v1? One line per check, before any crash.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var backend = CommonOptions.Backend();
        var command = CommonOptions.BackendCommand();
        var timeout = CommonOptions.Timeout();
        var result = new Command("check", "Check that a backend speaks protocol v1 (ready, every op with good and bad arguments, pipelining, paging, a 16 MiB record, shutdown, restart): one PASS/FAIL line per check, exit 0 only if all pass.")
        {
            backend, command, timeout,
        };
        CommonOptions.Examples(result, "crashlab check --backend-cmd \"python3 examples/backends/python/simple_wal.py\"", "crashlab check --backend-cmd \"./target/release/my-wal --dir-from-env\"");
        result.SetAction(async (parse, token) =>
        {
            BackendSpec spec;
            HarnessTimeouts timeouts;
            try
            {
                spec = CommonOptions.ParseBackend(parse.GetValue(backend), parse.GetValue(command));
                timeouts = CommonOptions.ParseTimeout(parse.GetValue(timeout));
            }
            catch (FormatException e)
            {
                return CommonOptions.Usage("check", e.Message);
            }

            StopSignals.Current.AbortAtFirstSignal();
            return CommonOptions.CannotRun("check", spec) ?? await RunAsync(spec, Console.Out, timeouts.Request).ConfigureAwait(false);
        });
        return result;
    }

    /// <summary>
    /// Runs every check, printing each line and a summary to <paramref name="output"/>; exit 0 if all
    /// passed, 1 otherwise. A signal kills the backend at once: the checks finished before it stand
    /// (exit 1 if one failed, else 130/143); what the kill did to the rest is not the backend's doing.
    /// </summary>
    /// <param name="linesOnlyOnFailure">Print the per-check lines only when one failed (certify's preamble).</param>
    internal static async Task<int> RunAsync(BackendSpec backend, TextWriter output, TimeSpan timeout, bool linesOnlyOnFailure = false)
    {
        var signals = StopSignals.Current;
        using var onStop = signals.Stop.Register(BackendGroups.KillAllAndStartNoMore);
        var results = new List<CheckResult>();
        void Report(CheckResult result)
        {
            if (signals.Stop.IsCancellationRequested)
                return;
            results.Add(result);
            if (!linesOnlyOnFailure)
                output.WriteLine(result.Line);
        }

        var work = Directory.CreateTempSubdirectory("crashlab-check-").FullName;
        try
        {
            await new ProtocolCheck(backend, timeout).RunAsync(Path.Combine(work, "data"), Report).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (HarnessFault.Is(e))
        {
            return CommonOptions.HarnessFailure("check", e);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        var failed = results.Count(r => r.Status == CheckStatus.Fail);
        var skipped = results.Count(r => r.Status == CheckStatus.NotRun);
        if (linesOnlyOnFailure && failed + skipped > 0)
        {
            foreach (var result in results)
                output.WriteLine(result.Line);
        }

        if (signals.Stop.IsCancellationRequested)
        {
            output.WriteLine($"check: stopped by {signals.Received} after {results.Count} checks, {failed} of them FAILED");
            return failed > 0 ? ExitCodes.Violation : signals.ExitCode;
        }

        // Every check is required: one that could not run is not a pass.
        var skippedText = skipped > 0 ? $", {skipped} skipped (they need what failed)" : "";
        // A program that never became ready ran one check, and "1 of 1 checks FAILED: does not speak protocol v1" hides that it never started.
        output.WriteLine(failed + skipped == 0 ? $"check: all {results.Count} checks passed: {backend} speaks protocol v1"
            : results is [{ Status: CheckStatus.Fail }] ? $"check: FAILED: {backend} never became ready, so no other check could run; what it printed instead, and how it ended, are above (the ready line: docs/protocol.md in the CrashLab repository)"
            : $"check: {failed} of {results.Count} checks FAILED{skippedText}: {backend} does not speak protocol v1 correctly (see docs/protocol.md in the CrashLab repository)");
        return failed + skipped == 0 ? ExitCodes.Pass : ExitCodes.Violation;
    }
}
