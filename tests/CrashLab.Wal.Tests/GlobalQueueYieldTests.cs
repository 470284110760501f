namespace CrashLab.Wal.Tests;

public sealed class GlobalQueueYieldTests
{
    [Fact]
    public async Task Await_UnderASynchronizationContext_ResumesOnThePoolWithoutPostingToIt()
    {
        var context = new CountingContext();
        var resumedOnPool = false;
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            YieldAsync().AsTask().GetAwaiter().GetResult();
        });

        thread.Start();
        thread.Join();

        Assert.True(resumedOnPool, "the continuation must run on a thread-pool thread");
        Assert.Equal(0, context.Posts);
        await Task.CompletedTask;

        async ValueTask YieldAsync()
        {
            await default(GlobalQueueYield);
            resumedOnPool = Thread.CurrentThread.IsThreadPoolThread;
        }
    }

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
}
