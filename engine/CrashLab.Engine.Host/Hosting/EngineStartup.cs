using System.Reflection;
using CrashLab.Engine.Host.Protocol;
using CrashLab.Protocol;
using CrashLab.Storage;
using CrashLab.Wal;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// The engine's work, begun at the top of Main on a thread of its own: recover, announce
/// <c>ready</c> (or <c>fatal</c>), then serve the protocol until shutdown or end of input. It
/// overlaps with building the host, because start-up latency — to ready and to the first reply —
/// bounds how many crash cycles a campaign runs per second. The hosted service owns the process
/// lifetime and the exit code.
/// </summary>
internal sealed class EngineStartup
{
    /// <summary>The name in ready: the build's version, so a certificate names the engine it checked.</summary>
    public static readonly string BackendName = "crashlab-reference/" + (typeof(EngineStartup).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EngineStartup()
    {
    }

    /// <summary>Completes with the process exit code when serving ends.</summary>
    public Task<int> Completion => _exitCode.Task;

    /// <summary>Completes once the first request has been handled (or serving ended without one).</summary>
    public Task FirstRequestHandled => _firstRequest.Task;

    public static EngineStartup Begin(EngineSettings settings, IFileSystem fs, ILoggerProvider logging)
    {
        var startup = new EngineStartup();
        new Thread(() => startup.Run(settings, fs, logging.CreateLogger("Engine"))) { Name = "engine", IsBackground = true }.Start();
        return startup;
    }

    private void Run(EngineSettings settings, IFileSystem fs, ILogger logger)
    {
        try
        {
            _exitCode.SetResult(RunAsync(settings, fs, logger, () => _firstRequest.TrySetResult()).GetAwaiter().GetResult());
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "the engine failed");
            _exitCode.SetResult(70);
        }
        finally
        {
            _firstRequest.TrySetResult();
        }
    }

    private static async Task<int> RunAsync(EngineSettings settings, IFileSystem fs, ILogger logger, Action firstRequestHandled)
    {
        var output = Console.OpenStandardOutput();
        WriteAheadLog log;
        try
        {
            log = WriteAheadLog.Open(fs, settings.DataDirectory, settings.Wal);
        }
        catch (Exception e) when (e is WalException or StorageException or UnauthorizedAccessException or IOException)
        {
            Write(output, EventWriter.Line(new FatalEvent(e.Message)));
            logger.LogCritical("cannot start: {Message}", e.Message);
            return 1;
        }

        using (log)
        {
            var status = log.Status;
            var name = settings.Wal.Mutant is { } mutant ? $"{BackendName}+mutant:{mutant}" : BackendName;
            Write(output, EventWriter.Line(new ReadyEvent(status.FirstLsn, status.NextLsn, log.Corruption?.Lsn, log.Corruption?.Detail, name)));
            if (log.Corruption is { } corruption)
                logger.LogWarning("recovery found damage: records from LSN {Lsn} on are lost: {Detail}", corruption.Lsn, corruption.Detail);
            logger.LogInformation("recovered {Records} records ({Bytes} bytes), LSN {First}..{Last}", log.RecoveredRecords, log.RecoveredBytes, status.FirstLsn, status.NextLsn - 1);
            await using var replies = new ReplyWriter(output);
            return await new ProtocolServer(log, replies, logger) { FirstRequestHandled = firstRequestHandled, Serial = settings.Serial }.ServeAsync(Console.OpenStandardInput()).ConfigureAwait(false);
        }
    }

    private static void Write(Stream output, byte[] line)
    {
        output.Write(line);
        output.Flush();
    }
}
