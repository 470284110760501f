using System.Globalization;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// The harness's own figures (issue 23), each against a bound measured in the same run: crash
/// states per second per worker for (a) the Python example black-box at L1, (b) the same through
/// FUSE at L2, (c) the reference engine white-box at L2, each against its restart bound; and what
/// FUSE adds per request. Targets: states/s per worker at least half the restart bound; FUSE at
/// most 40 µs added per request.
/// </summary>
internal sealed class HarnessBenchmarks(string engine, string fuse, string pythonBackend, string scenarios, string workDir, Action<Measurement> report)
{
    private const string RateTarget = "target >= 0.5";

    /// <summary>FUSE's added cost per request may be at most this; a measurement's ratio is its added µs over it (<see cref="Summary.TargetSummary"/> reads it back).</summary>
    internal const double FuseTargetMicros = 40;

    /// <summary>FUSE's added cost with its sign: below zero where the plain program waits for a disk's sync and the daemon does not.</summary>
    internal static string AddedMicros(double micros) => string.Create(CultureInfo.InvariantCulture, $"{micros:+0.0;-0.0} µs");

    /// <summary>Campaign time per figure (shared evenly by the level's scenarios).</summary>
    public TimeSpan CampaignDuration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan BoundDuration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>One unmeasured campaign before each measured one, repeated (see <see cref="WarmUpAsync"/>).</summary>
    public TimeSpan WarmUpDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The warm-up goes on until each worker has checked this many states: the runtime recompiles a method (tier 1) after its 30th call, and the harness's per-state code runs about once a state.</summary>
    public int WarmUpStatesPerWorker { get; init; } = 30;

    /// <summary>The warm-up stops here however few states it checked (a backend whose starts take seconds).</summary>
    public TimeSpan MaxWarmUp { get; init; } = TimeSpan.FromSeconds(90);

    public int Workers { get; init; } = 2;

    public async Task RunAsync(string only)
    {
        var catalog = ScenarioCatalog.Load(scenarios);
        var python = new BackendSpec("python-example", "python3", [pythonBackend], WhiteBox: false);
        var pythonFuse = python.ThroughFuse(fuse, []);
        var reference = new BackendSpec(BackendSpec.Reference, engine, ["--segment-bytes", BackendSpec.ReferenceSegmentBytes], WhiteBox: true);
        var l1 = catalog.All.Where(s => s.Level == "L1").ToList();
        var l2 = catalog.All.Where(s => s.Level == "L2").ToList();
        if (only is "" or "harness" or "python")
            await RateAgainstBoundAsync("python_l1", python, python, l1).ConfigureAwait(false);
        if (only is "" or "harness" or "fuse")
        {
            var plainBound = await RestartBound.CyclesPerSecond(python, Dir("bound-plain"), BoundDuration).ConfigureAwait(false);
            report(new Measurement("restart_bound_python_plain", 1, 0, plainBound, null, Note: "the same program on a plain directory, for comparison with the FUSE bound"));
            await RateAgainstBoundAsync("python_fuse_l2", pythonFuse, pythonFuse, l2).ConfigureAwait(false);
        }

        if (only is "" or "harness" or "reference")
            await RateAgainstBoundAsync("reference_l2", reference, reference, l2).ConfigureAwait(false);
        if (only is "" or "harness" or "fuse" or "fuse-cost")
            FuseCost();
    }

    private async Task RateAgainstBoundAsync(string name, BackendSpec backend, BackendSpec boundBackend, IReadOnlyList<Scenario> level)
    {
        // The bounds are measured half before and half after the campaign: a shared machine's load drifts within minutes.
        var (before, concurrentBefore) = await BoundsAsync(boundBackend, name).ConfigureAwait(false);
        var warmUp = await WarmUpAsync(backend, level, name).ConfigureAwait(false);
        StageTimes.Reset();
        ReadVolume.Reset();
        var (cpu, jitBefore, compiled) = (HarnessCpu(), JitThreadCpu(), JitCounts.Now());
        var (perWorker, states, seconds, perScenario) = await CrashStateRate.MeasureAsync(backend, level, Workers, Dir($"rate-{name}"), CampaignDuration).ConfigureAwait(false);
        cpu = HarnessCpu() - cpu;
        var jit = JitCpuSince(jitBefore, JitThreadCpu());
        compiled = JitCounts.Now() - compiled;
        var stages = StageBreakdown.PerUnit(states, Workers * seconds);
        var (logs, records, bytes) = ReadVolume.Snapshot();
        var read = string.Create(CultureInfo.InvariantCulture, $"recovered logs read: {logs} ({(double)records / Math.Max(1, logs):F0} records, {bytes / 1024.0 / Math.Max(1, logs):F0} KiB each on average)");
        var (after, concurrentAfter) = await BoundsAsync(boundBackend, name).ConfigureAwait(false);
        var bound = (before + after) / 2;
        var concurrent = (concurrentBefore + concurrentAfter) / 2;
        report(new Measurement($"restart_bound_{name}", 1, 0, bound, null, Note: "spawn, ready, read the empty log, SIGKILL, reap" + (backend.Fuse ? " (through FUSE: mount and unmount included)" : "")
            + string.Create(CultureInfo.InvariantCulture, $"; {before:F2}/s before the campaign, {after:F2}/s after")));
        report(new Measurement($"restart_bound_{name}_concurrent", Workers, 0, concurrent, null, Note: string.Create(CultureInfo.InvariantCulture,
            $"the same cycle, {Workers} loops at once (per loop): what the backend's starts allow each of {Workers} workers sharing these cores; {concurrentBefore:F2}/s before the campaign, {concurrentAfter:F2}/s after")));
        report(new Measurement($"states_per_worker_{name}", Workers, 0, perWorker, perWorker / bound, $"restart_bound_{name} ({RateTarget})",
            $"{states} crash states of {string.Join(", ", level.Select(s => s.Name))} in {seconds:0} s (after {warmUp}), every check included; "
            + string.Create(CultureInfo.InvariantCulture, $"{perWorker / concurrent:F2} x restart_bound_{name}_concurrent; restart bound {1000 / bound:F0} ms ({1000 / concurrent:F0} ms with {Workers} at once); per state: {stages}; the harness's CPU per state {cpu.TotalMilliseconds / Math.Max(1, states):F0} ms (of which the JIT's thread {jit.TotalMilliseconds / Math.Max(1, states):F0} ms); {compiled.PerState(states)}; {read}; by scenario: {perScenario}")));
    }

    /// <summary>
    /// Unmeasured campaigns until the harness's code is compiled as a certification of minutes runs
    /// it after its first states. Measured (session 9, <see cref="JitCounts"/>): after a fixed 10 s
    /// the Python example's run (about one state a second) still compiled 42 methods per state in
    /// the measured minute, 370 ms of compiling each, almost all of it tier-ups of code met in the
    /// warm-up (instrumented tier 0 to tier 1), none of it code made per state; the JIT's thread was
    /// then most of the harness's CPU per state. A user's ReadyToRun CLI tiers up the same hot code.
    /// </summary>
    private async Task<string> WarmUpAsync(BackendSpec backend, IReadOnlyList<Scenario> level, string name)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (states, rounds, compiled) = (0, 0, JitCounts.Now());
        JitCounts last = default;
        while (states < WarmUpStatesPerWorker * Workers && clock.Elapsed < MaxWarmUp)
        {
            var before = JitCounts.Now();
            states += (await CrashStateRate.MeasureAsync(backend, level, Workers, Dir($"warm-up-{name}-{++rounds}"), WarmUpDuration).ConfigureAwait(false)).States;
            last = JitCounts.Now() - before;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0} s of unmeasured campaigns, {states} states, {(JitCounts.Now() - compiled).PerState(states)}; in its last {WarmUpDuration.TotalSeconds:0} s {last.Methods} methods");
    }

    /// <summary>The restart bound serially (the yardstick) and with as many loops at once as the campaign has workers.</summary>
    private async Task<(double Serial, double Concurrent)> BoundsAsync(BackendSpec backend, string name)
    {
        var serial = await RestartBound.CyclesPerSecond(backend, Dir($"bound-{name}"), BoundDuration / 2).ConfigureAwait(false);
        var concurrent = await RestartBound.CyclesPerSecondPerLoop(backend, Dir($"bound-{name}-concurrent"), BoundDuration / 2, Workers).ConfigureAwait(false);
        return (serial, concurrent);
    }

    /// <summary>
    /// FUSE's added cost where campaigns run it (data and journal in scratch space), against the
    /// target; and with the data on this disk but the journal still in scratch space, where the
    /// figure is below zero for a sync: the daemon never syncs the backing directory (the shim
    /// records the sync; durability is the persistence model's), the plain program waits for the disk.
    /// </summary>
    private void FuseCost()
    {
        var scratch = Directory.CreateDirectory(ScratchSpace.NewWorkDirectory(workDir)).FullName;
        try
        {
            Report("fuse_added_micros", FuseRequestCost.Measure(fuse, scratch, scratch, rounds: 5, TimeSpan.FromSeconds(1)), $"in scratch space ({scratch}) as campaigns run", target: true);
            Report("fuse_added_micros_disk", FuseRequestCost.Measure(fuse, Dir("fuse-cost"), scratch, rounds: 5, TimeSpan.FromSeconds(1)), $"data on disk ({workDir}), journal in scratch space", target: false);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        void Report(string name, List<(double PlainMicros, double AddedMicros)> costs, string where, bool target)
        {
            for (var i = 0; i < costs.Count; i++)
            {
                var (plain, added) = costs[i];
                report(new Measurement($"{name}_{i + 1}", 1, i < 2 ? 4096 : 0, 1e6 / (plain + added), target ? added / FuseTargetMicros : null,
                    target ? $"{FuseTargetMicros:0} µs (added µs / target; target <= 1)" : null,
                    string.Create(CultureInfo.InvariantCulture, $"{FuseRequestCost.Requests[i]}: {plain:F1} µs plain, {AddedMicros(added)} through FUSE (median of 5 alternating rounds, journal on; {where})")));
            }
        }
    }

    /// <summary>
    /// The CPU time of this process, the harness's (a backend's own is not counted: the group kill
    /// ends its guard before the guard can reap it, so the kernel charges it to no process of ours).
    /// </summary>
    private static TimeSpan HarnessCpu() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>
    /// The CPU time of the runtime's tiered-compilation thread: the JIT's work after the warm-up
    /// still varied from 0.4 to 1.0 s in 40 s between two runs at the same load (perf, session 6),
    /// a third of the harness's CPU or more, and it is work a certification of minutes pays once.
    /// Read from /proc in clock ticks, per thread: the runtime ends that thread when it idles and
    /// starts a new one later, so a plain difference of two sums came out negative once.
    /// </summary>
    private static Dictionary<int, long> JitThreadCpu()
    {
        var ticks = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd() != ".NET Tiered Com")
                    continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
            }
        }
        catch (IOException)
        {
        }

        return ticks;
    }

    /// <summary>What the JIT's threads alive at the end used since the start (a thread that ended in between is not counted).</summary>
    private static TimeSpan JitCpuSince(Dictionary<int, long> start, Dictionary<int, long> end)
        => TimeSpan.FromSeconds(end.Sum(thread => thread.Value - start.GetValueOrDefault(thread.Key)) / 100.0);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(workDir, name)).FullName;
}
