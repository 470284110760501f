using CrashLab.Engine.Host.Protocol;
using CrashLab.Storage;
using CrashLab.Wal;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// Recovery and the <c>ready</c> (or <c>fatal</c>) event, begun at the top of Main on a thread of
/// its own so that it overlaps with building the host: start-up latency bounds how many crash
/// cycles a campaign runs per second. Requests sent after <c>ready</c> wait in the stdin pipe
/// until the hosted service starts serving.
/// </summary>
internal sealed class EngineStartup
{
    public const string BackendName = "crashlab-reference/0.1.0";
    private readonly TaskCompletionSource<RecoveryOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EngineStartup(Stream output) => Output = output;

    public sealed record RecoveryOutcome(WriteAheadLog? Log, string? FatalMessage);

    /// <summary>stdout; nothing else may write to it until <see cref="Recovery"/> completes.</summary>
    public Stream Output { get; }

    public Task<RecoveryOutcome> Recovery => _outcome.Task;

    public static EngineStartup Begin(EngineSettings settings, IFileSystem fs)
    {
        var startup = new EngineStartup(Console.OpenStandardOutput());
        new Thread(() => startup.Recover(settings, fs)) { Name = "recovery", IsBackground = true }.Start();
        return startup;
    }

    private void Recover(EngineSettings settings, IFileSystem fs)
    {
        try
        {
            var log = WriteAheadLog.Open(fs, settings.DataDirectory, settings.Wal);
            var status = log.Status;
            Write(EventLine.Ready(BackendName, status.FirstLsn, status.NextLsn, log.Corruption?.Lsn, log.Corruption?.Detail));
            _outcome.SetResult(new RecoveryOutcome(log, null));
        }
        catch (Exception e) when (e is WalException or StorageException or UnauthorizedAccessException or IOException)
        {
            Write(EventLine.Fatal(e.Message));
            _outcome.SetResult(new RecoveryOutcome(null, e.Message));
        }
        catch (Exception e)
        {
            _outcome.SetException(e);
        }
    }

    private void Write(byte[] line)
    {
        Output.Write(line);
        Output.Flush();
    }
}
