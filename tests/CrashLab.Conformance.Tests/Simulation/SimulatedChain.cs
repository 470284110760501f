using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Faults.Simulation;
using CrashLab.Wal;

namespace CrashLab.Conformance.Tests.Simulation;

/// <summary>
/// Runs a <see cref="SimCase"/> against the reference engine (or a mutant) in process, on the
/// simulated disk, and judges every recovery with the harness's own oracle (the chain model and
/// recovery check a real campaign uses). Returns the first violation, or null.
/// </summary>
public sealed class SimulatedChain(string? mutant)
{
    private const string Root = "/sim";
    private const string LogDir = "/sim/log";

    private sealed class CrashPointReached : Exception;

    // A small write-behind puts unsynced appends on the disk, where a power loss can tear or drop them.
    private WalOptions Options => new() { SegmentBytes = 16 << 10, PrepareSegmentsInBackground = false, WriteBehindBytes = 4096, Mutant = mutant };

    public async Task<Violation?> RunAsync(SimCase c)
    {
        var disk = new SimulatedDisk(Root);
        disk.CreateDirectory(LogDir);
        var model = new ChainModel(new Payloads(c.Seed));
        var random = new SplitMix(c.Seed);
        var step = 0;
        for (var life = 0; ; life++)
        {
            var lifeSteps = c.Steps.Skip(step).TakeWhile(s => s.Kind != SimStepKind.Crash).ToList();
            step += lifeSteps.Count;
            var crash = step < c.Steps.Length ? c.Steps[step++] : new SimStep(SimStepKind.Crash, 0, 0, false, (int)(c.Seed % 6));
            var (violation, stop) = await LiveAsync(disk, model, c, life, lifeSteps, random).ConfigureAwait(false);
            if (violation != null || stop)
                return violation;
            disk = disk.Crash(crash.Mode, random.Next(), crash.SectorSize);
            if (c.Fault == SimFault.BitFlipAtRest)
                model.MediaFaultPending |= FlipBit(disk, random);
            if (step >= c.Steps.Length)
                return await FinalCheckAsync(disk, model, c, random).ConfigureAwait(false);
        }
    }

    /// <summary>One life: recover (and check), then run the steps until they end or the crash point fires.</summary>
    private async Task<(Violation? Violation, bool Stop)> LiveAsync(SimulatedDisk disk, ChainModel model, SimCase c, int life, List<SimStep> steps, SplitMix random)
    {
        if (model.Started && c.Fault == SimFault.ReadEioInRecovery && ProbeUnderReadErrors(disk, model, random) is { } probe)
            return (probe, true);
        var plan = new FaultPlan
        {
            Seed = random.Next(),
            Faults = Faults(c.Fault, disk),
            Crash = life == 0 && c.CrashPointOp > 0 ? new CrashPoint { AtOp = c.CrashPointOp, PerformBytes = c.CrashPointBytes > 0 ? c.CrashPointBytes : null } : null,
        };
        var fs = new FaultyFileSystem(disk, plan, LogDir, crash: () => throw new CrashPointReached());
        WriteAheadLog log;
        try
        {
            log = WriteAheadLog.Open(fs, LogDir, Options);
        }
        catch (CrashPointReached)
        {
            return (null, false);
        }
        catch (WalException e)
        {
            // An honest refusal to start is allowed only when a fault explains it (rule 6).
            return (c.Fault == SimFault.None ? new Violation(Rules.Liveness, $"recovery failed with no fault injected: {e.Message}") : null, true);
        }

        using (log)
        {
            if (Check(log, model, readErrors: false) is { } violation)
                return (violation, true);
            try
            {
                foreach (var s in steps)
                {
                    if (await StepAsync(log, model, s).ConfigureAwait(false) is { } runViolation)
                        return (runViolation, true);
                }
            }
            catch (CrashPointReached)
            {
            }
        }

        return (null, false);
    }

    private async Task<Violation?> FinalCheckAsync(SimulatedDisk disk, ChainModel model, SimCase c, SplitMix random)
        => (await LiveAsync(disk, model, c with { CrashPointOp = 0 }, 1, [], random).ConfigureAwait(false)).Violation;

    private static async Task<Violation?> StepAsync(WriteAheadLog log, ChainModel model, SimStep s)
    {
        try
        {
            switch (s.Kind)
            {
                case SimStepKind.Append:
                    var ids = Enumerable.Range(0, s.Records).Select(i => new RecordId(model.NextBatchIndex, i, s.Size)).ToArray();
                    var batch = model.Issue(ids);
                    try
                    {
                        var result = await log.AppendAsync([.. ids.Select(id => (ReadOnlyMemory<byte>)model.Payloads.Bytes(id))], s.Sync).ConfigureAwait(false);
                        if (result.FirstLsn < model.LogNext)
                            return new Violation(Rules.Prefix, $"batch {batch.Index} got LSN {result.FirstLsn}, below next_lsn {model.LogNext}: LSNs reused") { Lsn = result.FirstLsn };
                        model.Acknowledged(batch, result.FirstLsn, s.Sync);
                        if (result.DurableLsn is { } durable)
                            model.AcknowledgedDurable(durable);
                    }
                    catch (WalException e)
                    {
                        (batch.State, batch.Error) = (BatchState.Failed, e.Kind.ToString());
                    }

                    return null;
                case SimStepKind.Sync:
                    model.AcknowledgedDurable(await log.SyncAsync().ConfigureAwait(false));
                    return null;
                case SimStepKind.Truncate:
                    var floor = Math.Max(model.LogFirst, model.HighestBeforeLsn);
                    if (model.HighestAcknowledgedLsn < floor)
                        return null;
                    var before = floor + (model.HighestAcknowledgedLsn + 1 - floor) * (100 - s.Param) / 100;
                    model.RequestedTruncation(before);
                    var first = await log.TruncateAsync(before).ConfigureAwait(false);
                    return first > before ? new Violation(Rules.TruncationBound, $"truncate(before_lsn {before}) answered first_lsn {first}") : null;
                default:
                    return null;
            }
        }
        catch (WalException)
        {
            return null; // an error answer is always allowed; what it means for the log is judged at recovery
        }
    }

    /// <summary>Reads the recovered log through the harness's own fetcher and oracle.</summary>
    private static Violation? Check(WriteAheadLog log, ChainModel model, bool readErrors)
    {
        var status = log.Status;
        var ready = new ReadyEvent(status.FirstLsn, status.NextLsn, log.Corruption?.Lsn, log.Corruption?.Detail, "sim");
        if (!model.Started)
        {
            model.Start(ready);
            return null;
        }

        var check = new RecoveryCheck(model, ready);
        var violations = LogFetcher.FetchAsync(from => Task.FromResult(ReadPage(log, from)), ready, check, readErrors).GetAwaiter().GetResult() ?? [];
        if (violations.Count > 0)
            return violations[0];
        if (!readErrors)
            model.Accept(ready, check.Matched);
        return null;
    }

    private static LogFetcher.Page ReadPage(WriteAheadLog log, long from)
    {
        try
        {
            var read = log.Read(from, 1000, 4 << 20);
            return new LogFetcher.Page([.. read.Records.Select(r => (r.Lsn, r.Data))], read.NextLsn);
        }
        catch (WalException e)
        {
            return LogFetcher.Page.Failed(e.Kind == WalErrorKind.Io ? "io" : e.Kind.ToString(), e.Message);
        }
    }

    /// <summary>Recovery of a copy of the crash state while reads fail: a fatal start or an honest io error is fine, a wrong log is not.</summary>
    private Violation? ProbeUnderReadErrors(SimulatedDisk disk, ChainModel model, SplitMix random)
    {
        var copy = disk.Crash(CrashMode.DropAll, 0);
        var plan = new FaultPlan { Seed = random.Next(), Faults = [new FaultRule { Kind = FaultKind.ReadEio, OneIn = 3 }] };
        var probeModel = ChainModel.FromState(model.ToState());
        probeModel.MediaFaultPending = true;
        try
        {
            using var log = WriteAheadLog.Open(new FaultyFileSystem(copy, plan, LogDir), LogDir, Options);
            return Check(log, probeModel, readErrors: true);
        }
        catch (WalException)
        {
            return null;
        }
    }

    private static FaultRule[] Faults(SimFault fault, SimulatedDisk disk) => fault switch
    {
        SimFault.FsyncEio => [new FaultRule { Kind = FaultKind.FsyncEio, OneIn = 4 }],
        SimFault.WriteEio => [new FaultRule { Kind = FaultKind.WriteEio, OneIn = 8 }],
        SimFault.NoSpace => [new FaultRule { Kind = FaultKind.Enospc, QuotaBytes = disk.LiveImage().Inodes.Values.Sum(d => d.Length) + (48 << 10) }],
        _ => [],
    };

    /// <summary>Flips one bit in one segment file of the crash state; true if a bit was flipped.</summary>
    private static bool FlipBit(SimulatedDisk disk, SplitMix random)
    {
        var segments = disk.LiveImage().Files().Where(f => f.Path.StartsWith("log/", StringComparison.Ordinal) && f.Content.Length > 4096).ToList();
        if (segments.Count == 0)
            return false;
        var (path, content) = segments[random.Below(segments.Count)];
        var used = Array.FindLastIndex(content, b => b != 0);
        if (used < 4096)
            return false;
        var at = 4096 + random.Below(used - 4096 + 1);
        using var file = disk.Open($"{Root}/{path}", Storage.OpenMode.OpenExisting);
        var one = new byte[1];
        file.Read(at, one);
        one[0] ^= (byte)(1 << random.Below(8));
        file.Write(at, one);
        file.DataSync();
        return true;
    }
}
