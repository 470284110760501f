using System.Diagnostics;

namespace CrashLab.Wal;

/// <summary>
/// The leader's wait for its group (see WriteAheadLog.GroupCommit.cs). The leader does not poll:
/// it parks, and the request whose arrival completes the group (or the first to arrive after the
/// deadline) resumes it on its own thread, where the group is written at once. A leader that
/// polled kept one of this machine's two cores busy checking the queue while the writers it
/// waited for needed that core to come back, and each check's resume was a thread-pool hop
/// between the group filling and its pwrite. A timer ends the wait when nobody else comes.
/// </summary>
public sealed partial class WriteAheadLog
{
    private int _lastGroupSize = 1;
    private long _lastFlushTicks;
    private TaskCompletionSource? _gathered;
    private long _gatherDeadline;
    private Timer? _gatherTimer;

    /// <summary>
    /// Waits, up to half the last flush's duration (at least the timer's millisecond when nobody
    /// else arrives), until as many requests queue as the last group held. Half a flush at most:
    /// waiting costs the group at most half a flush of latency and gains a whole flush for every
    /// writer it adds (a fixed cap of microseconds lost the writers a busy machine schedules late,
    /// and the groups alternated large and small).
    /// </summary>
    private async ValueTask GatherGroupAsync()
    {
        TaskCompletionSource gathered;
        lock (_lock)
        {
            if (_lastGroupSize <= 1 || _waiters.Count + 1 >= _lastGroupSize || _disposed)
                return;
            // Continuations run synchronously: the request that completes the group writes it.
            gathered = _gathered = new TaskCompletionSource();
            var budget = _lastFlushTicks / 2;
            _gatherDeadline = Stopwatch.GetTimestamp() + budget;
            ArmGatherTimerLocked(budget);
        }

        await gathered.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Called with a request just queued: the gathering leader, if the group is now complete or its
    /// time is up. The group's size is the last group's: only the leader sets it, after its flush,
    /// and the leader is parked here until then.
    /// </summary>
    private TaskCompletionSource? GroupGatheredLocked()
    {
        if (_gathered == null || (_waiters.Count + 1 < _lastGroupSize && Stopwatch.GetTimestamp() < _gatherDeadline))
            return null;
        var gathered = _gathered;
        _gathered = null;
        return gathered;
    }

    private void ArmGatherTimerLocked(long ticks)
    {
        _gatherTimer ??= new Timer(static log => ((WriteAheadLog)log!).OnGatherTimer(), this, Timeout.Infinite, Timeout.Infinite);
        var milliseconds = Math.Max(1, (long)Math.Ceiling(ticks * 1000.0 / Stopwatch.Frequency));
        _gatherTimer.Change(milliseconds, Timeout.Infinite);
    }

    private void OnGatherTimer()
    {
        TaskCompletionSource? gathered;
        lock (_lock)
        {
            if (_gathered == null)
                return;
            // A firing armed for an earlier gather: wait out this one's own deadline.
            var left = _gatherDeadline - Stopwatch.GetTimestamp();
            if (left > 0 && !_disposed)
            {
                ArmGatherTimerLocked(left);
                return;
            }

            gathered = _gathered;
            _gathered = null;
        }

        gathered.TrySetResult();
    }

    /// <summary>On dispose: a gathering leader goes on at once (and finds the log closed).</summary>
    private void EndGather()
    {
        TaskCompletionSource? gathered;
        lock (_lock)
        {
            gathered = _gathered;
            _gathered = null;
        }

        gathered?.TrySetResult();
        _gatherTimer?.Dispose();
    }
}
