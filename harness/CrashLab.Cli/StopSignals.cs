using System.Runtime.InteropServices;

namespace CrashLab.Cli;

/// <summary>
/// SIGINT/SIGTERM handling. The first signal asks for a graceful stop: every chain finishes the
/// crash state it is on, the reports are written, and the process exits with 1 if a violation was
/// found, else 128+signal (130, 143), so a scheduler sees the shard did not finish. A second
/// signal aborts: in-flight cycles are cut short, but the reports are still written.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals()
        => _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];

    public static StopSignals Current { get; } = new();

    public CancellationToken Stop => _stop.Token;

    public CancellationToken Abort => _abort.Token;

    /// <summary>SIGINT or SIGTERM, once one arrived.</summary>
    public string? Received { get; private set; }

    /// <summary>Exit code for a run the signal stopped early without finding a violation.</summary>
    public int ExitCode => Received == "SIGTERM" ? 143 : 130;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // we exit ourselves, after the reports are written
        if (Received == null)
        {
            Received = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
            Console.Error.WriteLine($"crashlab: {Received}: finishing the current crash states and writing the reports (send it again to abort)");
            _stop.Cancel();
        }
        else
        {
            Console.Error.WriteLine("crashlab: second signal: aborting in-flight cycles");
            _abort.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _stop.Dispose();
        _abort.Dispose();
    }
}
