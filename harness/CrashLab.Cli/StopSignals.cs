using System.Runtime.InteropServices;
using CrashLab.Harness.Backends;

namespace CrashLab.Cli;

/// <summary>
/// SIGINT/SIGTERM handling, bounded so that no backend can hold a stop up. The first signal asks
/// for a graceful stop: every chain finishes the crash state it is on, the reports are written,
/// and the process exits with 1 if a violation was found, else 128+signal (130, 143), so a
/// scheduler sees the run did not finish. A second signal, or <see cref="Grace"/> after the
/// first, aborts: every backend group is killed at once and none starts again, so whatever waits
/// on a backend ends, and the reports are still written. Should the process still run
/// <see cref="AbortBound"/> after the abort, it exits anyway (the reports rewritten every few
/// seconds stand). Commands with no crash state to finish (check, replay, shrink) abort at the first signal.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan AbortBound = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly PosixSignalRegistration[] _registrations;
    private volatile bool _abortAtOnce;
    private Timer? _graceTimer;
    private Timer? _exitTimer;

    public StopSignals()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
        _abort.Token.Register(OnAbort);
    }

    public static StopSignals Current { get; } = new();

    public CancellationToken Stop => _stop.Token;

    public CancellationToken Abort => _abort.Token;

    /// <summary>SIGINT or SIGTERM, once one arrived.</summary>
    public string? Received { get; private set; }

    /// <summary>Exit code for a run the signal stopped early without finding a violation.</summary>
    public int ExitCode => Received == "SIGTERM" ? 143 : 130;

    /// <summary>Whether the run found a violation so far: a forced exit then exits 1, not 130/143.</summary>
    public Func<bool> ViolationFound { get; set; } = () => false;

    /// <summary>For commands with nothing to finish gracefully: the first signal aborts.</summary>
    public void AbortAtFirstSignal() => _abortAtOnce = true;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // we exit ourselves, after the reports are written
        if (Received == null)
        {
            Received = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
            if (_abortAtOnce)
            {
                Console.Error.WriteLine($"crashlab: {Received}: stopping the backend and exiting");
                _stop.Cancel();
                _abort.Cancel();
                return;
            }

            Console.Error.WriteLine($"crashlab: {Received}: finishing the current crash states and writing the reports (at most {Grace.TotalSeconds:0} s; send it again to abort now)");
            _stop.Cancel();
            _graceTimer = new Timer(_ => AbortNow($"the current crash states did not finish within {Grace.TotalSeconds:0} s: aborting them"), null, Grace, Timeout.InfiniteTimeSpan);
        }
        else
        {
            AbortNow("second signal: aborting in-flight crash states");
        }
    }

    private void AbortNow(string why)
    {
        if (_abort.IsCancellationRequested)
            return;
        Console.Error.WriteLine($"crashlab: {why}");
        _abort.Cancel();
    }

    private void OnAbort()
    {
        BackendGroups.KillAllAndStartNoMore();
        _exitTimer = new Timer(_ =>
        {
            Console.Error.WriteLine($"crashlab: still running {AbortBound.TotalSeconds:0} s after the abort: exiting now (the reports last written stand)");
            Environment.Exit(ViolationFound() ? ExitCodes.Violation : ExitCode);
        }, null, AbortBound, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _graceTimer?.Dispose();
        _exitTimer?.Dispose();
        _stop.Dispose();
        _abort.Dispose();
    }
}
