using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Testing.Workloads;

namespace CrashLab.Testing.Running;

/// <summary>The steps of a life: appends and group commits acknowledged into the model the instant the log answers, truncations.</summary>
internal sealed partial class CrashRun
{
    private readonly List<Outstanding> _outstanding = [];

    private Task RunAsync(Life life, ILogUnderTest log, WorkloadStep step) => step switch
    {
        AppendStep append => AwaitAsync(life, step, [Append(life, log, append.Records, append.Bytes, append.Durable)]),
        // Issued back to back, awaited together: a log that commits in groups gets the chance to.
        GroupCommitStep group => AwaitAsync(life, step, [.. Enumerable.Range(0, group.Writers).Select(_ => Append(life, log, 1, group.Bytes, durable: true))]),
        TruncateStep truncate when TruncationPoint(truncate.KeepPercent) is { } before => AwaitAsync(life, step, [Truncate(log, before)]),
        _ => Task.CompletedTask,
    };

    /// <summary>Issues one batch; the returned task completes once its answer is in the model.</summary>
    private Task Append(Life life, ILogUnderTest log, int records, int bytes, bool durable)
    {
        IssuedBatch batch;
        lock (_gate)
            batch = _model.Issue([.. Enumerable.Range(0, records).Select(i => new RecordId(_model.NextBatchIndex, i, bytes))]);
        Task<long> answer;
        try
        {
            answer = log.AppendAsync([.. batch.Records.Select(_model.Payloads.Bytes)], durable);
        }
#pragma warning disable CA1031 // a synchronous throw is the log's answer, like a faulted task
        catch (Exception e)
#pragma warning restore CA1031
        {
            answer = Task.FromException<long>(e);
        }

        var outstanding = new Outstanding(life, batch, answer, durable);
        lock (_gate)
            _outstanding.Add(outstanding);
        return answer.ContinueWith(_ => Acknowledge(outstanding), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Puts into the model every answer the log has given so far, before a crash state is taken: a
    /// task completed before the log's next storage operation is an acknowledgement that state must
    /// honour, however late the continuations of the task run (RunContinuationsAsynchronously).
    /// </summary>
    private void Harvest()
    {
        foreach (var answered in _outstanding.Where(o => o.Answer.IsCompleted).ToList())
            Acknowledge(answered);
    }

    private void Acknowledge(Outstanding outstanding)
    {
        var (life, batch, answer, durable) = outstanding;
        lock (_gate)
        {
            if (life.Over || !_outstanding.Remove(outstanding))
                return;
            if (answer.IsCompletedSuccessfully)
            {
                var first = answer.Result;
                if (first < _model.LogNext)
                    _runViolation ??= Violation.LsnsReused(batch.Index, first, _model.LogNext);
                _model.Acknowledged(batch, first, durable);
                if (durable)
                    _model.AcknowledgedDurable(first + batch.Records.Length - 1);
                return;
            }

            var error = answer.Exception?.InnerException;
            (batch.State, batch.Error) = (BatchState.Failed, error?.GetType().Name);
            if (!life.CrashedAtPoint && life.Strikes == 0 && !FaultsInPlan)
                _runViolation ??= Violation.RefusedWithoutFault("append", $"{error?.GetType().Name}: {error?.Message}");
        }
    }

    /// <summary>The LSN below which about <paramref name="keepPercent"/>% of the acknowledged log is dropped; null when there is nothing to drop.</summary>
    private long? TruncationPoint(int keepPercent)
    {
        lock (_gate)
        {
            var floor = Math.Max(_model.LogFirst, _model.HighestBeforeLsn);
            if (_model.HighestAcknowledgedLsn < floor)
                return null;
            var before = floor + ((_model.HighestAcknowledgedLsn + 1 - floor) * (100 - keepPercent) / 100);
            _model.RequestedTruncation(before);
            return before;
        }
    }

    private static async Task Truncate(ILogUnderTest log, long before)
    {
        try
        {
            await log.TruncateAsync(before).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            throw;
        }
#pragma warning disable CA1031 // an error answer is allowed; what it did to the log is judged at recovery
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Waits for the step's answers, or the plan's crash point; a log that answers nothing in time
    /// fails the run. Awaited, never blocked on: the run goes on on whichever thread completes the
    /// answer (a log's flush thread, say) instead of waking a blocked one, which would cost more
    /// than the whole crash state on a busy machine.
    /// </summary>
    private async Task AwaitAsync(Life life, WorkloadStep step, Task[] answers)
    {
        var all = Task.WhenAll(answers);
        try
        {
            await Task.WhenAny(all, life.CrashPoint).WaitAsync(stepTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new CrashTestFailedException(new Violation(Rules.Liveness, $"the log did not answer '{step}' within {stepTimeout.TotalSeconds:0} s"), $"in life {life.Index}", workload, _judged);
        }

        if (all.IsFaulted && all.Exception!.InnerException is NotSupportedException unsupported)
            throw unsupported;
    }
}

/// <summary>A batch the log has been asked to append and whose answer the model has not taken yet.</summary>
internal sealed record Outstanding(Life Life, IssuedBatch Batch, Task<long> Answer, bool Durable);
