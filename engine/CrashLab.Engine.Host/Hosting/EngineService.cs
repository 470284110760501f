using CrashLab.Engine.Host.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// The engine's one hosted service: waits for the recovery <see cref="EngineStartup"/> began,
/// serves the protocol until shutdown or end of input, then stops the host with the exit code.
/// </summary>
internal sealed class EngineService(EngineStartup startup, IHostApplicationLifetime lifetime, ILogger<EngineService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task Run()
    {
        try
        {
            Environment.ExitCode = await ServeAsync().ConfigureAwait(false);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task<int> ServeAsync()
    {
        var outcome = await startup.Recovery.ConfigureAwait(false);
        if (outcome.Log is not { } log)
        {
            logger.LogCritical("cannot start: {Message}", outcome.FatalMessage);
            return 1;
        }

        await using var replies = new ReplyWriter(startup.Output);

        using (log)
        {
            if (log.Corruption is { } corruption)
                logger.LogWarning("recovery found damage: records from LSN {Lsn} on are lost: {Detail}", corruption.Lsn, corruption.Detail);
            var status = log.Status;
            logger.LogInformation("recovered {Records} records ({Bytes} bytes), LSN {First}..{Last}", log.RecoveredRecords, log.RecoveredBytes, status.FirstLsn, status.NextLsn - 1);
            return await new ProtocolServer(log, replies, logger).ServeAsync(Console.OpenStandardInput()).ConfigureAwait(false);
        }
    }
}
