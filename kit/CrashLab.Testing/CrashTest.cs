using CrashLab.Storage;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Testing.Running;
using CrashLab.Testing.Workloads;

namespace CrashLab.Testing;

/// <summary>
/// The kit's front door:
/// <code>CrashTest.For((fs, dir) => new MyLogAdapter(MyLog.Open(fs, dir))).Workload(workload).Check();</code>
/// runs the workload on a simulated disk, takes a power-loss crash state before every storage
/// operation, recovers each in memory and checks it with CrashLab's oracle. <see cref="CrashTestBuilder.Check"/>
/// returns what it checked, or throws a <see cref="CrashTestFailedException"/> that says what broke, where, and how to replay it.
/// </summary>
public static class CrashTest
{
    /// <param name="open">Opens (recovering) your log in <c>dir</c>, doing all its I/O through <c>fs</c>.</param>
    public static CrashTestBuilder For(Func<IFileSystem, string, ILogUnderTest> open) => new(open, Workloads.Workload.Seeded(1), FaultPlan.None, CrashStates.AtEveryOperation);
}

/// <summary>A crash test being set up; each method returns a new one.</summary>
public sealed record CrashTestBuilder(Func<IFileSystem, string, ILogUnderTest> Open, Workload Steps, FaultPlan Plan, CrashStates States)
{
    /// <summary>How long one step may wait for the log's answers before the run fails as a liveness violation.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public CrashTestBuilder Workload(Workload workload) => this with { Steps = workload };

    /// <summary>Faults injected into the log's storage operations (fsync EIO, write EIO, ENOSPC, ...) and an optional crash point.</summary>
    public CrashTestBuilder Faults(FaultPlan plan)
    {
        plan.Validate();
        return this with { Plan = plan };
    }

    public CrashTestBuilder CrashStates(CrashStates states)
    {
        states.Validate();
        return this with { States = states };
    }

    /// <summary>Runs the test; throws <see cref="CrashTestFailedException"/> on the first violation.</summary>
    /// <remarks>
    /// Runs on the thread pool, away from the caller's synchronization context: a log that awaits
    /// without ConfigureAwait(false) cannot deadlock it. The caller waits without spinning (a
    /// task's own Wait spins first): the run's threads need the cores more.
    /// </remarks>
    public CrashReport Check()
    {
        using var done = new ManualResetEventSlim(initialState: false, spinCount: 0);
        var run = Task.Run(CheckAsync);
        _ = run.ContinueWith(_ => done.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        done.Wait();
        return run.GetAwaiter().GetResult();
    }

    /// <summary><see cref="Check"/> for an async test: the same run, awaited.</summary>
    public Task<CrashReport> CheckAsync() => new CrashRun(Open, Steps, Plan, States, StepTimeout).RunAsync();
}
