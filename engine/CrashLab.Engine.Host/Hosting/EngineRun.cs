using System.Reflection;
using CrashLab.Engine.Host.Protocol;
using CrashLab.Protocol;
using CrashLab.Storage;
using CrashLab.Wal;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// The engine's whole life: recover, announce <c>ready</c> (or <c>fatal</c>), then serve the protocol
/// until shutdown or end of input; the result is the process exit code.
/// </summary>
internal static class EngineRun
{
    /// <summary>The name in ready: the build's version, so a certificate names the engine it checked.</summary>
    public static readonly string BackendName = "crashlab-reference/" + (typeof(EngineRun).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public static async Task<int> RunAsync(EngineSettings settings, IFileSystem fs, ILogger logger)
    {
        try
        {
            return await ServeAsync(settings, fs, logger).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogCritical(e, "the engine failed");
            return 70;
        }
    }

    private static async Task<int> ServeAsync(EngineSettings settings, IFileSystem fs, ILogger logger)
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
            var name = settings.Wal.Mutant != Mutant.None ? $"{BackendName}+mutant:{settings.Wal.Mutant.Name()}" : BackendName;
            Write(output, EventWriter.Line(new ReadyEvent(status.FirstLsn, status.NextLsn, log.Corruption?.Lsn, log.Corruption?.Detail, name)));
            if (log.Corruption is { } corruption)
                logger.LogWarning("recovery found damage: records from LSN {Lsn} on are lost: {Detail}", corruption.Lsn, corruption.Detail);
            logger.LogInformation("recovered {Records} records ({Bytes} bytes), LSN {First}..{Last}", log.RecoveredRecords, log.RecoveredBytes, status.FirstLsn, status.NextLsn - 1);
            await using var replies = new ReplyWriter(output);
            return await new ProtocolServer(log, replies, logger) { Serial = settings.Serial }.ServeAsync(Console.OpenStandardInput()).ConfigureAwait(false);
        }
    }

    private static void Write(Stream output, byte[] line)
    {
        output.Write(line);
        output.Flush();
    }
}
