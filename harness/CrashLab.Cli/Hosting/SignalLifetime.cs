using Microsoft.Extensions.Hosting;

namespace CrashLab.Cli.Hosting;

/// <summary>
/// The campaign host's lifetime, in place of Hosting's ConsoleLifetime: SIGINT/SIGTERM belong to
/// <see cref="StopSignals"/>, which every command shares and which bounds what follows a signal.
/// Its first signal stops the host (the campaign's stopping token: finish the current crash
/// states, write the reports); the grace that follows and the abort stay StopSignals' (4 s, then
/// every backend group killed, then a forced exit 2 s later). ConsoleLifetime would register
/// handlers of its own, and take a second signal for a repeat of the first instead of an abort.
/// </summary>
internal sealed class SignalLifetime(StopSignals signals, IHostApplicationLifetime application) : IHostLifetime, IDisposable
{
    private CancellationTokenRegistration _onSignal;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        // Once started: a host stopped before it starts never starts its service, and then no report
        // would say stopped. A signal that came earlier (during certify's check) stops it as soon as
        // it has started; the campaign runs anyway and sees the signal itself (CampaignService).
        application.ApplicationStarted.Register(() => _onSignal = signals.Stop.Register(application.StopApplication));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _onSignal.Dispose();
}
