using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Storage;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Faults.Simulation;
using CrashLab.Testing.Workloads;

namespace CrashLab.Testing.Running;

/// <summary>
/// Runs one workload against the log under test on the simulated disk: life after life (a power
/// loss between them, the log reopened and judged each time), with a crash state taken before
/// storage operations as <see cref="CrashStates"/> says, each judged after the step it came from.
/// The first violation ends the run as a <see cref="CrashTestFailedException"/>: the earliest crash point
/// that fails, in the simplest mode that fails there.
/// </summary>
internal sealed partial class CrashRun(Func<IFileSystem, string, ILogUnderTest> open, Workload workload, FaultPlan plan, CrashStates states, TimeSpan stepTimeout)
{
    private const string Root = "/crashlab";
    private const string LogDir = "/crashlab/log";

    private readonly object _gate = new();
    private readonly ChainModel _model = new(new Payloads(workload.Seed)) { SharedDigests = [] };
    private readonly SplitMix _random = new(workload.Seed);
    private readonly List<CapturedState> _captured = [];
    private readonly IReadOnlyList<CrashMode> _modes = [.. states.Modes.OrderBy(Simplicity)];
    private Violation? _runViolation;
    private int _judged;
    private long _operations;

    private bool FaultsInPlan => plan.Faults.Length > 0;

    public async Task<CrashReport> RunAsync()
    {
        var disk = new SimulatedDisk(Root);
        disk.CreateDirectory(LogDir);
        var steps = workload.Steps;
        var next = 0;
        for (var index = 0; ; index++)
        {
            var lifeSteps = steps.Skip(next).TakeWhile(s => s is not PowerLossStep).ToList();
            next += lifeSteps.Count;
            var loss = next < steps.Count ? (PowerLossStep)steps[next++] : new PowerLossStep(_modes[(int)(workload.Seed % (ulong)_modes.Count)]);
            if (!await LiveAsync(disk, new Life(index), lifeSteps).ConfigureAwait(false))
                return Report(index + 1);
            disk = disk.Crash(states.Profile, loss.Mode, _random.Next(), states.SectorSize);
            if (next < steps.Count)
                continue;
            await LiveAsync(disk, new Life(index + 1), []).ConfigureAwait(false);
            return Report(index + 2);
        }
    }

    /// <summary>One life: open and judge the recovery, then run the steps. False when the run must stop (an honest refusal under faults).</summary>
    private async Task<bool> LiveAsync(SimulatedDisk disk, Life life, List<WorkloadStep> steps)
    {
        var lifePlan = plan with { Seed = SplitMix.Hash(plan.Seed, (ulong)life.Index), Crash = life.Index == 0 ? plan.Crash : null };
        var watched = new WatchedFileSystem(disk, operation => BeforeOperation(disk, life, operation));
        var fs = new FaultyFileSystem(watched, lifePlan, LogDir, crash: () => CrashPoint(life), injected: _ => Struck(life));
        ILogUnderTest? log;
        RecoveryVerdict verdict;
        try
        {
            // Not under the gate: the log may recover on other threads, whose operations take it.
            // No other thread touches the model now: the last life is over.
            (verdict, log) = await RecoveryTrial.OpenAsync(open, fs, LogDir, _model, FaultsInPlan).ConfigureAwait(false);
        }
        catch (CrashPointReachedException)
        {
            return true;
        }

        if (life.CrashedAtPoint)
        {
            // The plan's crash point struck while the log recovered (or answered the judge's probe): the life ends here.
            if (log != null)
                DisposeQuietly(log);
            return true;
        }

        if (verdict.Violation is { } violation)
            throw Failure(violation, life.Index == 0 ? "when the log was first opened" : $"after the power loss that ended life {life.Index - 1}");
        if (log == null || verdict.Outcome != RecoveryVerdict.Kind.Accepted)
            return false;
        try
        {
            life.Stepping = true;
            foreach (var step in steps)
            {
                await RunAsync(life, log, step).ConfigureAwait(false);
                await JudgeCapturedAsync().ConfigureAwait(false);
                if (_runViolation is { } broken)
                    throw Failure(broken, $"while running '{step}' in life {life.Index}");
                if (life.CrashedAtPoint)
                    break;
            }
        }
        finally
        {
            lock (_gate)
            {
                life.Over = true;
                _outstanding.RemoveAll(o => o.Life == life);
            }

            DisposeQuietly(log);
        }

        return true;
    }

    private void BeforeOperation(SimulatedDisk disk, Life life, string operation)
    {
        lock (_gate)
        {
            if (!life.Stepping || life.Over)
                return;
            _operations++;
            life.Operations++;
            if (states.EveryNthOperation == 0 || life.Operations % states.EveryNthOperation != 0)
                return;
            Harvest();
            var model = _model.ToState() with { RequestFaultsInjected = _model.RequestFaultsInjected || life.Strikes > 0 };
            var where = $"before storage operation {life.Operations} of life {life.Index} ({operation})";
            foreach (var (state, name) in StatesOf(disk))
                _captured.Add(new CapturedState(state, model, where, name));
        }
    }

    /// <summary>The crash states of this instant: one per mode and seed, or every one the profile admits.</summary>
    private IEnumerable<(SimulatedDisk State, string Name)> StatesOf(SimulatedDisk disk)
    {
        var profile = states.Profile == KnownProfiles.Posix ? "" : $"{states.Profile.Name} ";
        if (states.Exhaustive)
        {
            var enumeration = CrashEnumerator.Enumerate(states.Profile, disk.Window(states.SectorSize), states.Limits);
            for (var i = 0; i < enumeration.States.Count; i++)
                yield return (disk.Holding(enumeration.States[i].Compose()), $"{profile}state {i + 1} of {enumeration.States.Count}{(enumeration.Exhaustive ? ", every one the profile admits" : $", a sample: {enumeration.Summary}")}");
            yield break;
        }

        foreach (var mode in _modes)
        {
            for (var k = 0; k < (mode == CrashMode.DropAll ? 1 : states.SeedsPerMode); k++)
            {
                var seed = SplitMix.Hash(workload.Seed, (ulong)_operations, (ulong)k);
                yield return (disk.Crash(states.Profile, mode, seed, states.SectorSize), $"{profile}{mode.Name()} (seed {seed})");
            }
        }
    }

    /// <summary>Judges the states captured so far, earliest first; the first that fails ends the run.</summary>
    private async Task JudgeCapturedAsync()
    {
        List<CapturedState> batch;
        lock (_gate)
        {
            batch = [.. _captured];
            _captured.Clear();
        }

        foreach (var state in batch)
        {
            var files = state.Files(); // before recovery changes them
            var violation = await RecoveryTrial.JudgeAsync(open, state, _model, LogDir, FaultsInPlan).ConfigureAwait(false);
            if (violation != null)
                throw Failure(violation, $"{state.Describe()}{Environment.NewLine}  files:    {(files.Length > 0 ? files : "none")}");
            _judged++;
        }
    }

    private static void CrashPoint(Life life)
    {
        life.ReachCrashPoint();
        throw new CrashPointReachedException();
    }

    private void Struck(Life life)
    {
        lock (_gate)
            life.Strikes++;
    }

    private CrashReport Report(int lives) => new(_judged, _operations, lives);

    private CrashTestFailedException Failure(Violation violation, string where) => new(violation, where, workload, _judged);

    private static int Simplicity(CrashMode mode) => mode switch
    {
        CrashMode.DropAll => 0,
        CrashMode.Prefix => 1,
        CrashMode.RandomSubset => 2,
        _ => 3,
    };

    private static void DisposeQuietly(ILogUnderTest log)
    {
        try
        {
            log.Dispose();
        }
#pragma warning disable CA1031 // the life is over: what the old instance says while it closes no longer matters
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
