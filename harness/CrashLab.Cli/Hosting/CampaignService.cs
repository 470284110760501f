using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrashLab.Cli.Hosting;

/// <summary>
/// A campaign (or certify's campaign) as the host's one service: it runs the scenarios, prints the
/// summary and stops the host when done. Stopping the service is the graceful stop: every chain
/// finishes its crash state and the reports are written. A signal's abort (every backend group
/// killed) comes through <see cref="StopSignals.Abort"/>. The outcome is exit 1 if a violation was
/// found, else 130/143 when stopped, else 0; null tally when the harness itself failed.
/// <para>
/// Not a BackgroundService: since .NET 10 it starts ExecuteAsync with Task.Run under its stopping
/// token, so a host stopped before a pool thread took that work item (a SIGTERM during certify's
/// check stops the host the moment it has started) never ran the campaign at all. No report said
/// stopped, <see cref="Outcome"/> never completed, and the command waited for StopSignals' forced
/// exit. Here the run is always started, whatever the stop, and a stop only asks it to finish.
/// </para>
/// </summary>
/// <param name="abort">Aborts the run: every backend group is killed and none starts again (a second signal, or the grace run out).</param>
internal sealed class CampaignService(CampaignSettings settings, StopSignals signals, IHostApplicationLifetime application, ILogger<CampaignService> logger, CancellationToken abort) : IHostedService, IDisposable
{
    private readonly TaskCompletionSource<(int Code, CampaignTally? Tally)> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;

    /// <summary>The run's exit code and tally; faults with whatever the run threw that is no harness fault (a CrashLab bug).</summary>
    public Task<(int Code, CampaignTally? Tally)> Outcome => _outcome.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => ExecuteAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Asks the run to finish its crash states and waits for it, as long as the host's shutdown allows.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _run.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A signal before the host started (during certify's check): the campaign runs no scenario and its reports say stopped.
            var stop = signals.Stop.IsCancellationRequested ? new CancellationToken(canceled: true) : stoppingToken;
            _outcome.TrySetResult(await RunAsync(stop).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // handed on whole to the command, which reports it as the CrashLab bug it is
        catch (Exception e)
#pragma warning restore CA1031
        {
            _outcome.TrySetException(e);
        }
        finally
        {
            application.StopApplication(); // the run is over, and with it the host
        }
    }

    private async Task<(int Code, CampaignTally? Tally)> RunAsync(CancellationToken stop)
    {
        var command = settings.CertifyLevel != null ? "certify" : "campaign";
        var run = settings;
        try
        {
            if (EarlierRun.MoveAside(run.OutDir) is { } aside)
                Console.Error.WriteLine($"crashlab {command}: {run.OutDir} held an earlier run's reports: moved them to {aside}");
            // A person at a terminal gets a live table; logs and pipes get the plain lines.
            if (run.Progress == Console.Error && LiveProgress.ForTerminal(run) is { } live)
                run = run with { View = live };
            var runner = new CampaignRunner(run);
            signals.ViolationFound = () => runner.Tally.Violations > 0;
            using var onSignal = signals.Stop.Register(() => runner.Tally.StoppedBy = signals.Received);
            using var onStop = stop.Register(() => logger.LogInformation("{Command}: stopping: finishing the current crash states ({Signal})", command, signals.Received ?? "host stopped"));
            logger.LogInformation("{Command} of {Backend}: {Scenarios} scenario(s), {Workers} worker(s), seed {Seed}, reports in {Out}", command, run.BackendLabel, run.Scenarios.Count, run.Workers, run.Seed, run.OutDir);
            CampaignTally tally;
            try
            {
                tally = await runner.RunAsync(abort, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
            {
                // Aborted: the runner wrote its reports on the way out.
                tally = runner.Tally;
            }

            if (run.Backend.Fuse)
                Fuse.Mounting.MountPoints.SweepStale();
            logger.LogInformation("{Command} ended: {States} crash states, {Violations} violation(s), stopped by {StoppedBy}", command, tally.States, tally.Violations, tally.StoppedBy ?? "nothing");
            Console.WriteLine(ReportWriter.Summary(run, tally));
            if (tally.Violations > 0)
                return (ExitCodes.Violation, tally);
            return (tally.StoppedBy != null ? signals.ExitCode : ExitCodes.Pass, tally);
        }
        catch (Exception e) when (HarnessFault.Is(e))
        {
            return (Commands.CommonOptions.HarnessFailure(command, e), null);
        }
    }
}
