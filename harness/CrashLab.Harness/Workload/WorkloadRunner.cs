using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Harness.Workload;

/// <summary>
/// Puts one run's load on a backend: pipelined appends (with and without sync), syncs,
/// truncations, reads and stats, until <c>stop</c> fires (the kill). Replies update the chain
/// model as they arrive; anything the backend says that contradicts the model is a violation.
/// </summary>
/// <param name="faultsPossible">Faults may strike this run's requests: an error answer is honest (else it is a violation).</param>
public sealed class WorkloadRunner(BackendProcess backend, ChainModel model, WorkloadGenerator generator, bool faultsPossible)
{
    private readonly List<RecordedRequest> _sent = [];
    private IEnumerator<RecordedRequest>? _script;
    private readonly ReplyJudge _judge = new(model, faultsPossible);
    private long _liveBytes;
    private volatile FuseMountWedgedException? _wedged;

    public IReadOnlyCollection<Violation> Violations => _judge.Violations;

    /// <summary>Requests sent in this run.</summary>
    public int Sent => _sent.Count;

    /// <summary>Every request of this run, in the order sent, with when and how each was answered.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_answers)
                return [.. _sent.Select((request, i) => _answers.TryGetValue(i, out var answer) ? answer(request) : request)];
        }
    }

    /// <summary>Milliseconds since the first request: the transcript's clock.</summary>
    public double Elapsed => _clock.Elapsed.TotalMilliseconds;

    private readonly System.Diagnostics.Stopwatch _clock = new();
    private readonly Dictionary<int, Func<RecordedRequest, RecordedRequest>> _answers = [];

    /// <summary>The lockstep with the shim: each request records the operation count at its sending; a script is sent at those counts.</summary>
    public OperationPacing? Pacing { get; init; }

    /// <summary>Kill the backend right after this many requests are on its stdin (null: the caller's stop alone ends the run).</summary>
    public int? KillAfterRequests { get; init; }

    /// <summary>The run ended by the kill after <see cref="KillAfterRequests"/> (not by a crash point or the caller).</summary>
    public bool KilledAfterRequests { get; private set; }

    /// <summary>Send exactly these requests (a replay) instead of generating them; the run ends when they are all sent.</summary>
    public void Script(IEnumerable<RecordedRequest> requests) => _script = requests.GetEnumerator();

    public async Task RunAsync(CancellationToken stop)
    {
        _liveBytes = model.LiveBytes(Floor());
        _clock.Start();
        using var slots = new SemaphoreSlim(generator.Profile.MaxInFlight);
        var replies = new List<Task>();
        // A paced replay sends each request when the original did; the in-flight limit held then.
        var paced = _script != null && Pacing != null;
        try
        {
            while (!stop.IsCancellationRequested && _judge.Violations.IsEmpty)
            {
                var limited = !paced;
                if (limited)
                    await slots.WaitAsync(stop).ConfigureAwait(false);
                if (NextRequest() is not { } request)
                    break;
                paced = paced && AwaitTurn(request);
                if (_script == null && Pacing != null)
                    request = request with { AtOp = Pacing.Begun };
                request = request with { SentMs = Math.Round(Elapsed, 3) };
                var reply = await SubmitAsync(request, stop).ConfigureAwait(false);
                replies.Add(limited ? reply.ContinueWith(_ => slots.Release(), TaskScheduler.Default) : reply);
                if (_sent.Count == KillAfterRequests)
                {
                    KilledAfterRequests = true;
                    backend.Kill();
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (BackendExitedException)
        {
            // The backend exited mid-run (fail-stop is allowed): the next start checks what it left.
        }
        catch (BackendFindingException finding)
        {
            _judge.Violations.Enqueue(Violation.From(finding));
        }

        Pacing?.Allow(long.MaxValue);
        await Task.WhenAll(replies).ConfigureAwait(false);
        if (_wedged != null)
            throw _wedged; // CrashLab's own fault: the campaign stops with a harness failure, the backend is not blamed
    }

    /// <summary>Lets the shim run up to the request's recorded operation and waits for it there; false (pacing ends) after a stall.</summary>
    private bool AwaitTurn(RecordedRequest request)
    {
        if (request.AtOp is not { } at)
            return true;
        Pacing!.Allow(at);
        if (Pacing.AwaitBegun(at))
            return true;
        Pacing.Allow(long.MaxValue);
        return false;
    }

    private RecordedRequest? NextRequest()
    {
        if (_script != null)
            return _script.MoveNext() ? _script.Current with { ReplyMs = null, ReplyAtOp = null, Outcome = null, FirstLsn = null, LastLsn = null } : null;
        if (Interlocked.Read(ref _liveBytes) > generator.Profile.MaxLiveLogBytes && model.HighestAcknowledgedLsn >= Floor())
        {
            Interlocked.Exchange(ref _liveBytes, generator.Profile.MaxLiveLogBytes / 4);
            return new RecordedRequest(Op.Truncate) { BeforeLsn = model.PointKeeping(generator.Profile.MaxLiveLogBytes / 4, Floor()) };
        }

        return generator.NextOp() switch
        {
            WorkloadGenerator.Op.Sync => new RecordedRequest(Op.Sync),
            WorkloadGenerator.Op.Truncate when model.HighestAcknowledgedLsn >= Floor()
                => new RecordedRequest(Op.Truncate) { BeforeLsn = generator.TruncationPoint(Floor(), model.DurableLsn, model.HighestAcknowledgedLsn + 1) },
            WorkloadGenerator.Op.Read when model.HighestAcknowledgedLsn >= Floor()
                => new RecordedRequest(Op.Read) { FromLsn = generator.Between(Floor(), model.HighestAcknowledgedLsn), MaxBytes = generator.ReadMaxBytes() },
            WorkloadGenerator.Op.Stat => new RecordedRequest(Op.Stat),
            _ => NewAppend(),
        };
    }

    private RecordedRequest NewAppend() => new(Op.Append) { Records = generator.Batch(model.NextBatchIndex), Sync = generator.SyncAppend() };

    /// <summary>Sends one request (it is on stdin when this returns) and returns the task that handles its reply.</summary>
    private async Task<Task> SubmitAsync(RecordedRequest request, CancellationToken stop)
    {
        var index = _sent.Count;
        _sent.Add(request);
        switch (request.Op)
        {
            case Op.Sync:
                var onSync = _judge.OnSync();
                return Handle(index, await backend.SubmitAsync(new SyncRequest(), stop).ConfigureAwait(false), onSync);
            case Op.Truncate:
                var before = request.BeforeLsn!.Value;
                model.RequestedTruncation(before);
                return Handle(index, await backend.SubmitAsync(new TruncateRequest(before), stop).ConfigureAwait(false), _judge.OnTruncate(before));
            case Op.Read:
                var from = request.FromLsn!.Value;
                var onRead = _judge.OnRead(from, tolerateBadRequest: _script != null);
                return Handle(index, await backend.SubmitAsync(new ReadRequest(from, 64, request.MaxBytes ?? RecordedRequest.DefaultReadMaxBytes), stop).ConfigureAwait(false), onRead);
            case Op.Stat:
                var onStat = _judge.OnStat();
                return Handle(index, await backend.SubmitAsync(new StatRequest(), stop).ConfigureAwait(false), onStat);
            default:
                return (await SubmitAppendAsync(index, request, stop).ConfigureAwait(false)).Handled;
        }
    }

    private async Task<(IssuedBatch Batch, Task Handled)> SubmitAppendAsync(int index, RecordedRequest request, CancellationToken stop)
    {
        var ids = request.Records!;
        var sync = request.Sync;
        if (ids.Length == 0 || ids[0].Batch != model.NextBatchIndex)
            throw new InvalidOperationException($"a recorded append names batch {ids.FirstOrDefault().Batch}, but the model is at batch {model.NextBatchIndex}");
        var batch = model.Issue(ids);
        Interlocked.Add(ref _liveBytes, ids.Sum(id => (long)id.Length));
        // The payloads live in one pooled buffer only until the line is on stdin: SubmitAsync reads them no later.
        using var payloads = new PooledBuffer(ids.Sum(id => id.Length));
        var records = new ReadOnlyMemory<byte>[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            model.Payloads.Write(ids[i], payloads.GetSpan(ids[i].Length));
            payloads.Advance(ids[i].Length);
        }

        for (int i = 0, at = 0; i < ids.Length; at += ids[i].Length, i++)
            records[i] = payloads.Written.Slice(at, ids[i].Length);
        var reply = await backend.SubmitAsync(new AppendRequest(records, sync), stop).ConfigureAwait(false);
        return (batch, Handle(index, reply, _judge.OnAppend(batch, sync)));
    }

    /// <summary>Floor for truncation and reads: no truncation has removed anything at or above it.</summary>
    private long Floor() => Math.Max(model.LogFirst, model.HighestBeforeLsn);

    private Task Handle(int index, Task<Reply> reply, Action<Reply> onReply) => reply.ContinueWith(t =>
    {
        if (t.IsCompletedSuccessfully)
        {
            Answered(index, t.Result);
            Guard(() => onReply(t.Result));
        }
        else if (t.Exception?.InnerException is BackendFindingException finding)
            _judge.Violations.Enqueue(Violation.From(finding));
        else if (t.Exception?.InnerException is FuseMountWedgedException wedged)
            _wedged = wedged;
    }, TaskScheduler.Default);

    /// <summary>Notes when and how request <paramref name="index"/> was answered, for the transcript.</summary>
    private void Answered(int index, Reply reply)
    {
        var (at, atOp) = (Math.Round(Elapsed, 3), Pacing?.Begun);
        var outcome = reply switch
        {
            ErrorReply error => "error:" + error.Code,
            AppendReply { DurableLsn: { } durable } append when durable >= append.LastLsn => "durable",
            AppendReply => "appended",
            SyncReply => "durable",
            _ => "ok",
        };
        var (first, last) = reply is AppendReply a ? (a.FirstLsn, a.LastLsn) : ((long?)null, (long?)null);
        lock (_answers)
            _answers[index] = request => request with { ReplyMs = at, ReplyAtOp = atOp, Outcome = outcome, FirstLsn = first, LastLsn = last };
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (BackendFindingException finding)
        {
            _judge.Violations.Enqueue(Violation.From(finding));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            _judge.Violations.Enqueue(Violation.Protocol($"malformed reply: {e.Message}"));
        }
    }
}
