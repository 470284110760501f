using System.CommandLine;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Conformance;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab check: does the backend speak protocol v1? One line per check, before any crash.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var backend = CommonOptions.Backend();
        var command = CommonOptions.BackendCommand();
        var result = new Command("check", "Check that a backend speaks protocol v1 (ready, every op with good and bad arguments, pipelining, paging, a 16 MiB record, shutdown, restart): one PASS/FAIL line per check, exit 0 only if all pass.")
        {
            backend, command,
        };
        CommonOptions.Examples(result, "crashlab check --backend-cmd \"python3 examples/backends/python/simple_wal.py\"", "crashlab check --backend-cmd \"./target/release/my-wal --dir-from-env\"");
        result.SetAction(async (parse, token) =>
        {
            BackendSpec spec;
            try
            {
                spec = CommonOptions.ParseBackend(parse.GetValue(backend), parse.GetValue(command));
            }
            catch (FormatException e)
            {
                return CommonOptions.Usage("check", e.Message);
            }

            return CommonOptions.CannotRun("check", spec) ?? await RunAsync(spec, Console.Out).ConfigureAwait(false);
        });
        return result;
    }

    /// <summary>Runs every check, printing each line and a summary to <paramref name="output"/>; exit 0 if all passed, 1 otherwise.</summary>
    /// <param name="linesOnlyOnFailure">Print the per-check lines only when one failed (certify's preamble).</param>
    internal static async Task<int> RunAsync(BackendSpec backend, TextWriter output, bool linesOnlyOnFailure = false)
    {
        var work = Directory.CreateTempSubdirectory("crashlab-check-").FullName;
        try
        {
            var results = await new ProtocolCheck(backend, HarnessTimeouts.Default.Request)
                .RunAsync(Path.Combine(work, "data"), linesOnlyOnFailure ? _ => { } : r => output.WriteLine(r.Line)).ConfigureAwait(false);
            var failed = results.Count(r => r.Status == CheckStatus.Fail);
            var skipped = results.Count(r => r.Status == CheckStatus.Skip);
            if (linesOnlyOnFailure && failed + skipped > 0)
            {
                foreach (var result in results)
                    output.WriteLine(result.Line);
            }

            // Every check is required: one that could not run is not a pass.
            var skippedText = skipped > 0 ? $", {skipped} skipped (they need what failed)" : "";
            output.WriteLine(failed + skipped == 0
                ? $"check: all {results.Count} checks passed: {backend} speaks protocol v1"
                : $"check: {failed} of {results.Count} checks FAILED{skippedText}: {backend} does not speak protocol v1 correctly (see docs/protocol.md)");
            return failed + skipped == 0 ? ExitCodes.Pass : ExitCodes.Violation;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return CommonOptions.HarnessFailure("check", e);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
