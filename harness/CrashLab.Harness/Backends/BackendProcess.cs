using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Polly;

namespace CrashLab.Harness.Backends;

/// <summary>
/// One running backend: spawned in its own process group with the protocol's environment,
/// driven over stdin/stdout by id, its stderr kept (bounded). Anything the backend does wrong —
/// garbage on stdout, a flood, an unknown id, a hang — becomes a <see cref="BackendFindingException"/>;
/// nothing it does can crash the harness.
/// </summary>
public sealed partial class BackendProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly HarnessTimeouts _timeouts;
    private readonly ResiliencePipeline _requestTimeout;
    private readonly ConcurrentDictionary<long, (Request Sent, TaskCompletionSource<Reply> Reply)> _pending = new();
    private readonly TaskCompletionSource<BackendLine> _startEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<BackendFindingException> _findings = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private long _nextId;
    private volatile string? _closed;
    private volatile bool _killed;
    private int _fenceAsked;

    /// <summary>How long a FUSE daemon may take to fence (kill, write-back, unmount) before it is killed too.</summary>
    private static readonly TimeSpan FenceBound = TimeSpan.FromSeconds(10);
    private readonly string? _mountPoint;

    private BackendProcess(Process process, HarnessTimeouts timeouts, string? mountPoint)
    {
        _mountPoint = mountPoint;
        _process = process;
        _timeouts = timeouts;
        _stdin = process.StandardInput.BaseStream;
        PipeCapacity.Widen(process.StandardOutput.BaseStream);
        _requestTimeout = new ResiliencePipelineBuilder().AddTimeout(timeouts.Request).Build();
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public int Pid => _process.Id;

    /// <summary>How many bytes the backend may write to stdout before it waits for the harness (<see cref="PipeCapacity"/>).</summary>
    internal int StdoutCapacity => PipeCapacity.Of(_process.StandardOutput.BaseStream);

    public BoundedLog Stderr { get; } = new();

    /// <summary>Protocol findings seen outside any request (unknown ids, unexpected events).</summary>
    public IReadOnlyCollection<BackendFindingException> Findings => _findings;

    public ReadyEvent? Ready { get; private set; }

    /// <summary>Set when the backend reported it cannot start.</summary>
    public string? Fatal { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>The harness has killed it (<see cref="Kill"/>, or a wedged mount's kill): whatever ended it, it was not its own crash point.</summary>
    public bool KilledByHarness => _killed;

    /// <summary>Spawns the backend and waits for its ready (or fatal) event. Spawn failures are retried; backend failures never are.</summary>
    public static async Task<BackendProcess> StartAsync(BackendSpec spec, BackendEnvironment environment, HarnessTimeouts timeouts, CancellationToken cancellationToken)
    {
        var backend = await SpawnAsync(spec, environment, timeouts, cancellationToken).ConfigureAwait(false);
        try
        {
            await backend.AwaitStartAsync(cancellationToken).ConfigureAwait(false);
            return backend;
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Spawns the backend without waiting for it to become ready (to kill it during recovery).</summary>
    public static async Task<BackendProcess> SpawnAsync(BackendSpec spec, BackendEnvironment environment, HarnessTimeouts timeouts, CancellationToken cancellationToken)
    {
        var executable = ProgramPath.Resolve(spec.Executable);
        Process process;
        try
        {
            process = await Spawn.ExecuteAsync(_ => ValueTask.FromResult(Launch(spec with { Executable = executable }, environment)), cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new BackendSpawnException($"cannot run the backend '{spec.Executable}': {e.Message}");
        }

        // A FUSE backend's mount is stale once its daemon dies with the group: released at dispose.
        return new BackendProcess(process, timeouts, spec.Fuse ? Fuse.Mounting.MountPoints.For(environment.DataDir) : null);
    }

    /// <summary>Retries only a failed spawn (the harness's own transient trouble), never anything the backend does.</summary>
    private static readonly ResiliencePipeline<Process> Spawn = new ResiliencePipelineBuilder<Process>()
        .AddRetry(new Polly.Retry.RetryStrategyOptions<Process>
        {
            ShouldHandle = new PredicateBuilder<Process>().Handle<Win32Exception>().Handle<IOException>(),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(100),
        })
        .Build();

    internal static Process Launch(BackendSpec spec, BackendEnvironment environment)
    {
        var start = new ProcessStartInfo(spec.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments)
            start.ArgumentList.Add(argument);
        environment.ApplyTo(start.Environment, spec.WhiteBox);
        // A white-box backend that is not a FUSE daemon is the reference engine (or a mutant of it):
        // it does its I/O through its own shim and arms its own parent-death signal.
        var guard = spec.Fuse ? GroupGuard.Guard.LeadsItsOwnGroup
            : spec.WhiteBox ? GroupGuard.Guard.DiesWithParent
            : GroupGuard.Guard.Shell;
        return ProcessGroup.Start(start, guard, spec.Fuse ? spec.Cpu : null);
    }

    /// <summary>After a kill: whether the backend had written its ready event before it died (its stdout is read to the end).</summary>
    public async Task<bool> WasReadyAsync()
    {
        try
        {
            return await _startEvent.Task.WaitAsync(_timeouts.Request).ConfigureAwait(false) is BackendLine.Ready;
        }
        catch (Exception e) when (e is BackendExitedException or BackendFindingException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Waits for the ready or fatal event of a backend started with <see cref="SpawnAsync"/>.</summary>
    public Task WaitForStartAsync(CancellationToken cancellationToken) => AwaitStartAsync(cancellationToken);

    /// <summary>
    /// After the backend ended: its exit status and the last line of its stderr (bounded), its own
    /// words on why, for messages and reports.
    /// </summary>
    public async Task<string> LastWordsAsync()
    {
        var status = LastWords.Status(await EndAsync().ConfigureAwait(false));
        return Stderr.LastLine() is { } last ? $"{status}; its stderr ends: \"{WireText.Clip(last)}\"" : $"{status}; nothing on stderr";
    }

    private async Task AwaitStartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await AwaitStartEventAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BackendExitedException)
        {
            if (await ExecFailureAsync().ConfigureAwait(false) is { } failure)
                throw new BackendSpawnException($"cannot run the backend: {WireText.Clip(failure)}");
            throw;
        }
    }

    /// <summary>The start's own complaint when it could not exec the backend (a bad interpreter line, say): the program never ran.</summary>
    private async Task<string?> ExecFailureAsync()
    {
        if (!ProcessGroup.Available || await EndAsync().ConfigureAwait(false) is not (126 or 127))
            return null;
        return GroupGuard.ExecFailure(Stderr.LastLine());
    }

    /// <summary>The exit code once the backend has ended (null if it has not within 2 s), with its stderr read to the end.</summary>
    private async Task<int?> EndAsync()
    {
        var exit = await ExitedOnItsOwnAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await Task.WhenAny(_stderrPump, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        return exit;
    }

    private async Task AwaitStartEventAsync(CancellationToken cancellationToken)
    {
        var ready = new ResiliencePipelineBuilder().AddTimeout(_timeouts.Ready).Build();
        BackendLine first;
        try
        {
            first = await ready.ExecuteAsync(async ct => await _startEvent.Task.WaitAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            Kill();
            ThrowIfMountWedged();
            throw BackendFindingException.Liveness($"no ready event within {_timeouts.Ready.TotalSeconds:0.#} s (recovery must finish within the run's timeout)");
        }

        if (first is BackendLine.Fatal fatal)
            Fatal = fatal.Event.Message;
        else
            Ready = ((BackendLine.Ready)first).Event;
    }

    /// <summary>Sends one request and waits for its reply (a hang past the timeout is a liveness finding).</summary>
    public async Task<Reply> RequestAsync(Request request, CancellationToken cancellationToken = default)
        => await (await SubmitAsync(request, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>
    /// Writes one request and returns once it is on the backend's stdin, with the task of its reply:
    /// requests pipelined this way reach the backend in call order.
    /// </summary>
    public async Task<Task<Reply>> SubmitAsync(Request request, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var sent = request with { Id = id };
        var reply = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The line is made now, so the request's records are never read after this call returns
        // (a caller may pool them); the reply is read against the request without them.
        var line = new PooledBuffer(ProtocolWriter.Capacity(sent));
        ProtocolWriter.WriteLine(sent, line);
        _pending[id] = (sent is AppendRequest append ? append with { Records = [] } : sent, reply);
        try
        {
            await SendLineAsync(line, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pending.TryRemove(id, out _);
            throw;
        }

        return AwaitReplyAsync(id, sent.Op, reply);
    }

    /// <summary>
    /// Waits for a reply until the liveness timeout or the backend's end, never for a caller's
    /// token: a reply already on its way when the caller stops waiting must still find its id.
    /// </summary>
    private async Task<Reply> AwaitReplyAsync(long id, string op, TaskCompletionSource<Reply> reply)
    {
        try
        {
            return await _requestTimeout.ExecuteAsync(async ct => await reply.Task.WaitAsync(ct).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            ThrowIfMountWedged();
            // A backend that answered, but to ids never sent, is named for that: it answers wrong.
            if (_findings.TryPeek(out var stray))
                throw stray;
            var exited = _process.HasExited ? $"; the backend exited ({LastWords.Status(_process.ExitCode)}) but something it started still holds its stdout open" : "";
            throw BackendFindingException.Liveness($"request {id} ({op}) got no reply within {_timeouts.Request.TotalSeconds:0.#} s{exited}");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// A silent FUSE backend may be waiting on a wedged daemon: that is CrashLab's fault, not the
    /// backend's. Then the group (daemon included) is killed, the mount released, and the harness
    /// fails (exit 3) saying so, instead of blaming the backend for a liveness violation.
    /// </summary>
    private void ThrowIfMountWedged()
    {
        if (_mountPoint == null || Fuse.Mounting.MountPoints.Responds(_mountPoint, TimeSpan.FromSeconds(2)))
            return;
        _killed = true;
        ProcessGroup.KillAll(_process); // a wedged daemon cannot fence: kill it and the backend outright
        Fuse.Mounting.MountPoints.Release(_mountPoint);
        throw new FuseMountWedgedException($"the FUSE mount of the backend's data directory ({_mountPoint}) stopped answering: crashlab-fuse is wedged, which is a CrashLab fault, not the backend's; the run was killed and the mount released");
    }

    /// <summary>
    /// SIGKILL to the backend's whole process group: no chance to flush, no orphans. A FUSE
    /// backend's daemon is asked instead (SIGTERM): it fences as at a crash point, killing the
    /// backend's group and outliving it until the kernel has written back the dead process's
    /// dirty pages, then ends; if it has not within <see cref="FenceBound"/>, everything is killed.
    /// </summary>
    public void Kill()
    {
        _killed = true;
        if (_mountPoint == null)
            ProcessGroup.KillAll(_process);
        else if (Interlocked.Exchange(ref _fenceAsked, 1) == 0 && !_process.HasExited)
            _ = FenceAsync();
    }

    private async Task FenceAsync()
    {
        ProcessGroup.Terminate(_process.Id);
        if (await ProcessGroup.ExitWithinAsync(_process, FenceBound).ConfigureAwait(false) == null)
            ProcessGroup.KillAll(_process);
    }

    /// <summary>The exit code if the process ends by itself within <paramref name="timeout"/>; null (and still running) otherwise.</summary>
    public Task<int?> ExitedOnItsOwnAsync(TimeSpan timeout) => ProcessGroup.ExitWithinAsync(_process, timeout);

    /// <summary>
    /// Waits for the process to end; kills it if it does not within <paramref name="timeout"/>.
    /// The exit code, or null for a process that not even SIGKILL ended within 5 s (stuck in the kernel).
    /// </summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        if (await ExitedOnItsOwnAsync(timeout).ConfigureAwait(false) is { } code)
            return code;
        Kill();
        return await ExitedOnItsOwnAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    /// <summary>
    /// Kills the group and lets go of it, bounded whatever the backend did: a process stuck in the
    /// kernel (on a wedged mount) or a pipe held open by a child that escaped is not waited for.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        // Always the group: a backend that exited may have left children in it (holding its pipes).
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(_stdoutPump, _stderrPump), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        if (_mountPoint != null)
            Fuse.Mounting.MountPoints.Release(_mountPoint);
        ProcessGroup.Forget(_process);
        _process.Dispose();
    }
}
