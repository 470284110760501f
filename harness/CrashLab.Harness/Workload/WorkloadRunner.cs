using System.Collections.Concurrent;
using System.Text.Json;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Workload;

/// <summary>
/// Puts one run's load on a backend: pipelined appends (with and without sync), syncs,
/// truncations, reads and stats, until <c>stop</c> fires (the kill). Replies update the chain
/// model as they arrive; anything the backend says that contradicts the model is a violation.
/// </summary>
public sealed class WorkloadRunner(BackendProcess backend, ChainModel model, WorkloadGenerator generator)
{
    private readonly List<RecordedRequest> _sent = [];
    private IEnumerator<RecordedRequest>? _script;
    private readonly ConcurrentQueue<Violation> _violations = new();
    private readonly List<(long First, long Last, int Batch)> _acked = [];
    private readonly object _ackGate = new();
    private long _liveBytes;

    public IReadOnlyCollection<Violation> Violations => _violations;

    /// <summary>Requests sent in this run.</summary>
    public int Sent => _sent.Count;

    /// <summary>Every request of this run, in the order sent.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _sent;

    /// <summary>Send exactly these requests (a replay) instead of generating them; the run ends when they are all sent.</summary>
    public void Script(IEnumerable<RecordedRequest> requests) => _script = requests.GetEnumerator();

    public async Task RunAsync(CancellationToken stop)
    {
        _liveBytes = model.LiveBytes(Floor());
        using var slots = new SemaphoreSlim(generator.Profile.MaxInFlight);
        var replies = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested && _violations.IsEmpty)
            {
                await slots.WaitAsync(stop).ConfigureAwait(false);
                if (NextRequest() is not { } request)
                    break;
                var reply = await SubmitAsync(request, stop).ConfigureAwait(false);
                replies.Add(reply.ContinueWith(_ => slots.Release(), TaskScheduler.Default));
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
            _violations.Enqueue(new Violation(finding.Rule, finding.Message));
        }

        await Task.WhenAll(replies).ConfigureAwait(false);
    }

    private RecordedRequest? NextRequest()
    {
        if (_script != null)
            return _script.MoveNext() ? _script.Current : null;
        if (Interlocked.Read(ref _liveBytes) > generator.Profile.MaxLiveLogBytes && model.HighestAcknowledgedLsn >= Floor())
        {
            Interlocked.Exchange(ref _liveBytes, generator.Profile.MaxLiveLogBytes / 4);
            return new RecordedRequest("truncate") { BeforeLsn = model.PointKeeping(generator.Profile.MaxLiveLogBytes / 4, Floor()) };
        }

        return generator.NextOp() switch
        {
            WorkloadGenerator.Op.Sync => new RecordedRequest("sync"),
            WorkloadGenerator.Op.Truncate when model.HighestAcknowledgedLsn >= Floor()
                => new RecordedRequest("truncate") { BeforeLsn = generator.Between(Floor(), model.HighestAcknowledgedLsn + 1) },
            WorkloadGenerator.Op.Read when model.HighestAcknowledgedLsn >= Floor()
                => new RecordedRequest("read") { FromLsn = generator.Between(Floor(), model.HighestAcknowledgedLsn) },
            WorkloadGenerator.Op.Stat => new RecordedRequest("stat"),
            _ => NewAppend(null),
        };
    }

    private RecordedRequest NewAppend(bool? forceSync)
    {
        var count = generator.BatchSize();
        var ids = new RecordId[count];
        for (var i = 0; i < count; i++)
            ids[i] = new RecordId(model.NextBatchIndex, i, generator.RecordSize(i == 0));
        return new RecordedRequest("append") { Records = ids, Sync = forceSync ?? generator.SyncAppend() };
    }

    /// <summary>Sends one request (it is on stdin when this returns) and returns the task that handles its reply.</summary>
    private async Task<Task> SubmitAsync(RecordedRequest request, CancellationToken stop)
    {
        _sent.Add(request);
        switch (request.Op)
        {
            case "sync":
                return Handle(await backend.SubmitAsync("sync", cancellationToken: stop).ConfigureAwait(false), OnSync);
            case "truncate":
                var before = request.BeforeLsn!.Value;
                model.RequestedTruncation(before);
                return Handle(await backend.SubmitAsync("truncate", j => j.WriteNumber("before_lsn", before), stop).ConfigureAwait(false), r => OnTruncate(r, before));
            case "read":
                var from = request.FromLsn!.Value;
                return Handle(await backend.SubmitAsync("read", j =>
                {
                    j.WriteNumber("from_lsn", from);
                    j.WriteNumber("max_records", 64);
                    j.WriteNumber("max_bytes", 1 << 20);
                }, stop).ConfigureAwait(false), r => OnRead(r, from));
            case "stat":
                return Handle(await backend.SubmitAsync("stat", cancellationToken: stop).ConfigureAwait(false), OnStat);
            default:
                return (await SubmitAppendAsync(request, stop).ConfigureAwait(false)).Handled;
        }
    }

    /// <summary>Appends a new batch (the first one of a run is the liveness probe); returns it and the task handling its reply.</summary>
    public async Task<(IssuedBatch Batch, Task Handled)> SubmitAppendAsync(CancellationToken stop, bool? forceSync = null)
    {
        var request = NewAppend(forceSync);
        _sent.Add(request);
        return await SubmitAppendAsync(request, stop).ConfigureAwait(false);
    }

    private async Task<(IssuedBatch Batch, Task Handled)> SubmitAppendAsync(RecordedRequest request, CancellationToken stop)
    {
        var ids = request.Records!;
        var sync = request.Sync;
        if (ids.Length == 0 || ids[0].Batch != model.NextBatchIndex)
            throw new InvalidOperationException($"a recorded append names batch {ids.FirstOrDefault().Batch}, but the model is at batch {model.NextBatchIndex}");
        var batch = model.Issue(ids);
        Interlocked.Add(ref _liveBytes, ids.Sum(id => (long)id.Length));
        var reply = await backend.SubmitAsync("append", json =>
        {
            json.WriteStartArray("records");
            foreach (var id in ids)
                json.WriteBase64StringValue(model.Payloads.Bytes(id));
            json.WriteEndArray();
            json.WriteBoolean("sync", sync);
        }, stop).ConfigureAwait(false);
        return (batch, Handle(reply, r => OnAppend(r, batch, sync)));
    }

    /// <summary>Floor for truncation and reads: no truncation has removed anything at or above it.</summary>
    private long Floor() => Math.Max(model.LogFirst, model.HighestBeforeLsn);

    private Task Handle(Task<Reply> reply, Action<Reply> onReply) => reply.ContinueWith(t =>
    {
        if (t.IsCompletedSuccessfully)
            Guard(() => onReply(t.Result));
        else if (t.Exception?.InnerException is BackendFindingException finding)
            _violations.Enqueue(new Violation(finding.Rule, finding.Message));
    }, TaskScheduler.Default);

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (BackendFindingException finding)
        {
            _violations.Enqueue(new Violation(finding.Rule, finding.Message));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            _violations.Enqueue(new Violation(Rules.Protocol, $"malformed reply: {e.Message}"));
        }
    }

    private void OnAppend(Reply reply, IssuedBatch batch, bool sync)
    {
        if (!reply.Ok)
        {
            batch.State = BatchState.Failed;
            batch.Error = reply.Error;
            return;
        }

        var first = reply.Long("first_lsn");
        var last = reply.Long("last_lsn");
        if (last - first + 1 != batch.Records.Length)
            throw BackendFindingException.Protocol($"append of {batch.Records.Length} records acknowledged as LSNs {first}..{last}");
        if (first < model.LogNext)
            _violations.Enqueue(new Violation(Rules.Prefix, $"batch {batch.Index} got LSN {first}, below next_lsn {model.LogNext} of this run's start: LSNs reused") { Lsn = first });
        lock (_ackGate)
        {
            foreach (var (f, l, other) in _acked)
            {
                if (first <= l && f <= last)
                    _violations.Enqueue(new Violation(Rules.Prefix, $"batches {other} and {batch.Index} were both acknowledged at LSNs {Math.Max(first, f)}..{Math.Min(last, l)}") { Lsn = Math.Max(first, f) });
            }

            _acked.Add((first, last, batch.Index));
            model.Acknowledged(batch, first, sync);
        }

        if (sync)
        {
            var durable = reply.Long("durable_lsn");
            if (durable < last)
                throw BackendFindingException.Protocol($"sync append acknowledged LSNs {first}..{last} with durable_lsn {durable}");
            model.AcknowledgedDurable(durable);
        }
    }

    private void OnSync(Reply reply)
    {
        if (reply.Ok)
            model.AcknowledgedDurable(reply.Long("durable_lsn"));
    }

    private void OnTruncate(Reply reply, long before)
    {
        if (reply.Ok && reply.Long("first_lsn") > before)
            _violations.Enqueue(new Violation(Rules.TruncationBound, $"truncate(before_lsn {before}) answered first_lsn {reply.Long("first_lsn")}"));
    }

    private void OnStat(Reply reply)
    {
        if (reply.Ok && (reply.Long("first_lsn") > reply.Long("next_lsn") || reply.Long("durable_lsn") >= reply.Long("next_lsn")))
            throw BackendFindingException.Protocol($"stat is inconsistent: {reply.Body}");
    }

    /// <summary>Records read during a run must be the ones issued at those LSNs (rule 5).</summary>
    private void OnRead(Reply reply, long from)
    {
        if (!reply.Ok)
        {
            // A scripted read carries the original run's LSNs, which a changed backend may not have.
            if (reply.Error is not ("io" or "poisoned") && !(_script != null && reply.Error == "bad_request"))
                _violations.Enqueue(new Violation(Rules.Protocol, $"read from LSN {from} (within the acknowledged log) failed: {reply.Error}: {reply.Message}"));
            return;
        }

        var lsn = from;
        foreach (var record in reply.Body.GetProperty("records").EnumerateArray())
        {
            if (record.GetProperty("lsn").GetInt64() != lsn)
            {
                _violations.Enqueue(new Violation(Rules.Contiguity, $"read from LSN {from} returned LSN {record.GetProperty("lsn").GetInt64()} where {lsn} was due") { Lsn = lsn });
                return;
            }

            var data = record.GetProperty("data").GetBytesFromBase64();
            if (model.At(lsn) is { } id && !model.Payloads.Matches(id, data))
            {
                _violations.Enqueue(new Violation(Rules.SilentCorruption, $"read returned wrong bytes at LSN {lsn}")
                {
                    Lsn = lsn,
                    Expected = Violation.Abbreviate(model.Payloads.Bytes(id)),
                    Actual = Violation.Abbreviate(data),
                });
                return;
            }

            lsn++;
        }
    }
}
