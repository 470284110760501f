namespace CrashLab.Wal.Tests;

/// <summary>Counts posts and runs them on the pool, so a post would still complete (and be seen).</summary>
internal sealed class CountingContext : SynchronizationContext
{
    private int _posts;

    public int Posts => Volatile.Read(ref _posts);

    public override void Post(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref _posts);
        ThreadPool.QueueUserWorkItem(_ => d(state));
    }
}
