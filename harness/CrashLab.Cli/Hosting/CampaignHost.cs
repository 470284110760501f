using CrashLab.Harness.Campaigns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CrashLab.Cli.Hosting;

/// <summary>
/// The campaign runner as a Generic Host: the one process of a run that lives as long as the run
/// (backends, FUSE daemons and engine children come and go per crash state, and keep plain mains:
/// their start-up is paid per state). An empty builder: no configuration files, no environment
/// binding and no watcher on the working directory, which the default builder would add; logging
/// as <see cref="CrashLabLogging"/> says; the lifetime is <see cref="SignalLifetime"/>.
/// </summary>
internal static class CampaignHost
{
    /// <summary>
    /// How long the host waits for the campaign once stopped: the grace to finish the current crash
    /// states plus the abort's bound. Within the 10 s a stopped command may take; by then
    /// <see cref="StopSignals"/> has exited the process anyway.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = StopSignals.Grace + StopSignals.AbortBound;

    public static async Task<(int Code, CampaignTally? Tally)> RunAsync(CampaignSettings settings, StopSignals signals, CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Abort);
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        CrashLabLogging.Configure(builder.Logging);
        builder.Services.Configure<HostOptions>(options =>
        {
            options.ShutdownTimeout = ShutdownTimeout;
        });
        builder.Services.RemoveAll<IHostLifetime>();
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();
        builder.Services.AddSingleton(signals);
        builder.Services.AddSingleton(services => ActivatorUtilities.CreateInstance<CampaignService>(services, settings, abort.Token));
        builder.Services.AddHostedService(services => services.GetRequiredService<CampaignService>());
        using var host = builder.Build();
        var campaign = host.Services.GetRequiredService<CampaignService>();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return await campaign.Outcome.ConfigureAwait(false);
    }
}
