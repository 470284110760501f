using System.Runtime.CompilerServices;

namespace CrashLab.Wal;

/// <summary>
/// <c>await default(GlobalQueueYield)</c> gives the thread back and resumes from the thread pool's
/// global queue: whatever was queued on this thread's local queue runs first (Task.Yield would
/// post to a caller's SynchronizationContext instead, and an already-completed task forced to
/// yield goes to the local queue, where it is picked up again before the work it should let run).
/// </summary>
internal readonly struct GlobalQueueYield : ICriticalNotifyCompletion
{
    public bool IsCompleted => false;

    public GlobalQueueYield GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) => ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
}
