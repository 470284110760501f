using Microsoft.Extensions.Hosting;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>The engine's hosted service: waits for the engine's work to end, then stops the host with its exit code.</summary>
internal sealed class EngineService(EngineStartup startup, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Environment.ExitCode = await startup.Completion.ConfigureAwait(false);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
