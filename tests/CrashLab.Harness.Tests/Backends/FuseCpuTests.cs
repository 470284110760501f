using System.Globalization;
using CrashLab.Harness.Backends;
using CrashLab.Testing;
using FsCheck;
using FsCheck.Xunit;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>
/// A FUSE run's daemon and backend on one CPU (docs/fuse.md, "The daemon and the backend share
/// one CPU"): every thread of both, the runtimes' own threads made at start included, is confined
/// to the CPU of its worker; two workers get two CPUs where two are allowed; --fuse-cpu any leaves
/// them where the harness itself may run. Read from /proc/PID/task/*/status, as the kernel has it.
/// </summary>
public sealed class FuseCpuTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-fuse-cpu-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The reference engine as a black-box program on a FUSE mount: .NET starts several threads of its own, and the engine its group-commit thread.</summary>
    private static BackendSpec EngineThroughFuse(string cpu) => TestEngine.Small().ThroughFuse(TestEngine.Fuse, [], cpu);

    [Fact]
    public async Task Start_OnOneCpu_EveryThreadOfTheDaemonAndOfTheBackendIsConfinedToItsWorkersCpu()
    {
        RequireFuse();
        var worker = FuseCpu.AllowedCpus.Count - 1; // the last allowed CPU: not where an unpinned start would be told to go
        var spec = EngineThroughFuse(FuseCpu.One).OnWorker(worker);

        await using var run = await BackendProcess.StartAsync(spec, new BackendEnvironment(Path.Combine(_dir, "data")), HarnessTimeouts.Default, CancellationToken.None);

        var expected = new[] { FuseCpu.ForWorker(worker) };
        Assert.Equal(expected, spec.Cpu is { } cpu ? [cpu] : Array.Empty<int>());
        var (daemon, backend) = Threads(run.Pid);
        Assert.True(daemon.Count >= 3, $"the daemon's runtime has threads of its own: found {daemon.Count}");
        Assert.True(backend.Count >= 3, $"the engine's runtime has threads of its own: found {backend.Count}");
        Assert.All(daemon.Concat(backend), thread => Assert.Equal(expected, thread.Cpus));
    }

    [Fact]
    public async Task Start_TwoWorkers_TheirRunsAreOnTheirOwnCpusWhereTwoAreAllowed()
    {
        RequireFuse();
        var spec = EngineThroughFuse(FuseCpu.One);

        await using var first = await BackendProcess.StartAsync(spec.OnWorker(0), new BackendEnvironment(Path.Combine(_dir, "w0")), HarnessTimeouts.Default, CancellationToken.None);
        await using var second = await BackendProcess.StartAsync(spec.OnWorker(1), new BackendEnvironment(Path.Combine(_dir, "w1")), HarnessTimeouts.Default, CancellationToken.None);

        var cpus = new[] { first, second }.Select(run =>
        {
            var (daemon, backend) = Threads(run.Pid);
            return daemon.Concat(backend).SelectMany(t => t.Cpus).Distinct().Order().ToArray();
        }).ToArray();
        Assert.All(cpus, set => Assert.Single(set));
        if (FuseCpu.AllowedCpus.Count >= 2)
            Assert.NotEqual(cpus[0], cpus[1]);
        else
            Assert.Equal(cpus[0], cpus[1]);
        Assert.All(cpus, set => Assert.Contains(set[0], FuseCpu.AllowedCpus));
    }

    [Fact]
    public async Task Start_FuseCpuAny_LeavesTheDaemonAndTheBackendOnEveryCpuTheHarnessMayUse()
    {
        RequireFuse();
        var spec = EngineThroughFuse(FuseCpu.Any).OnWorker(1);

        await using var run = await BackendProcess.StartAsync(spec, new BackendEnvironment(Path.Combine(_dir, "data")), HarnessTimeouts.Default, CancellationToken.None);

        Assert.Null(spec.Cpu);
        var (daemon, backend) = Threads(run.Pid);
        Assert.NotEmpty(backend);
        Assert.All(daemon.Concat(backend), thread => Assert.Equal(FuseCpu.AllowedCpus, thread.Cpus));
    }

    [Fact]
    public void OnCpu_TheForkingThreadGetsItsOwnMaskBackAfterTheStart()
    {
        var before = FuseCpu.Read(CurrentThread());
        var inside = FuseCpu.OnCpu(FuseCpu.AllowedCpus[^1], () => FuseCpu.Read(CurrentThread()));

        Assert.Equal([FuseCpu.AllowedCpus[^1]], inside);
        Assert.Equal(before, FuseCpu.Read(CurrentThread()));
    }

    [Property(MaxTest = 200)]
    public void ForWorker_AsManyWorkersAsAllowedCpus_EachGetsADifferentAllowedCpu(NonEmptySet<byte> cpus, PositiveInt extra)
    {
        var allowed = cpus.Get.Select(c => (int)c).Order().ToList();

        var chosen = Enumerable.Range(0, allowed.Count).Select(w => FuseCpu.ForWorker(w, allowed)).ToList();
        var more = Enumerable.Range(0, allowed.Count + extra.Get).Select(w => FuseCpu.ForWorker(w, allowed)).ToList();

        Assert.Equal(allowed.Count, chosen.Distinct().Count());
        Assert.All(more, cpu => Assert.Contains(cpu, allowed));
    }

    private static void RequireFuse() => Assert.True(Fuse.Mounting.FuseAvailability.Missing() == null, $"FUSE tests need root and /dev/fuse: {Fuse.Mounting.FuseAvailability.Missing()}");

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int CurrentThread();

    /// <summary>Every thread of the daemon <paramref name="pid"/> and of the processes it started (the backend), each with the CPUs it may run on.</summary>
    private static (List<(int Tid, int[] Cpus)> Daemon, List<(int Tid, int[] Cpus)> Backend) Threads(int pid)
    {
        var children = ProcessTree.Descendants(pid) ?? [];
        Assert.NotEmpty(children);
        return (ThreadsOf(pid), [.. children.SelectMany(ThreadsOf)]);
    }

    private static List<(int Tid, int[] Cpus)> ThreadsOf(int pid)
        => [.. Directory.EnumerateDirectories($"/proc/{pid}/task").Select(task =>
        {
            var line = File.ReadLines(Path.Combine(task, "status")).First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            return (int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), CpuList(line["Cpus_allowed_list:".Length..].Trim()));
        })];

    /// <summary>"0-2,5" as 0, 1, 2, 5.</summary>
    private static int[] CpuList(string list)
        => [.. list.Split(',').SelectMany(range =>
        {
            var ends = range.Split('-').Select(e => int.Parse(e, CultureInfo.InvariantCulture)).ToArray();
            return Enumerable.Range(ends[0], ends[^1] - ends[0] + 1);
        })];
}
