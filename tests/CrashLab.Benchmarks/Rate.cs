using System.Diagnostics;

namespace CrashLab.Benchmarks;

/// <summary>Runs work for a fixed time after a warm-up and returns operations per second.</summary>
internal static class Rate
{
    public static TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);

    public static TimeSpan Warmup { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary><paramref name="writers"/> concurrent loops, each running <paramref name="op"/> until time is up.</summary>
    public static async Task<double> MeasureAsync(int writers, Func<int, Task> op)
    {
        long counted = 0;
        var measuring = false;
        var stop = false;
        var loops = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            while (!Volatile.Read(ref stop))
            {
                await op(w).ConfigureAwait(false);
                if (Volatile.Read(ref measuring))
                    Interlocked.Increment(ref counted);
            }
        })).ToArray();
        await Task.Delay(Warmup).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(Duration).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var seconds = clock.Elapsed.TotalSeconds;
        var ops = Interlocked.Read(ref counted);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops).ConfigureAwait(false);
        return ops / seconds;
    }

    /// <summary>One writer on the calling thread: no task machinery between the caller and the op.</summary>
    public static double MeasureInline(Action op)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < Warmup)
            op();
        long ops = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Duration)
        {
            op();
            ops++;
        }

        return ops / clock.Elapsed.TotalSeconds;
    }
}
