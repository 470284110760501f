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
public sealed class SimulatedChain(Mutant mutant)
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
            var (violation, stop, lived) = await LiveAsync(disk, model, c, life, lifeSteps, random).ConfigureAwait(false);
            if (violation != null || stop)
                return violation;
            disk = lived;
            disk = disk.Crash(crash.Mode, random.Next(), crash.SectorSize);
            if (c.Fault == SimFault.BitFlipAtRest && FlipBit(disk, random))
                model.InjectMediaFault();
            if (step >= c.Steps.Length)
                return await FinalCheckAsync(disk, model, c, random).ConfigureAwait(false);
        }
    }

    /// <summary>One life: recover (and check), then run the steps until they end or the crash point fires.</summary>
    /// <returns>The first violation, whether the chain must stop, and the disk the life ran on (a recovery under read errors may have changed it).</returns>
    private async Task<(Violation? Violation, bool Stop, SimulatedDisk Disk)> LiveAsync(SimulatedDisk disk, ChainModel model, SimCase c, int life, List<SimStep> steps, SplitMix random)
    {
        if (model.Started && c.Fault == SimFault.ReadEioInRecovery)
        {
            var (probe, after) = await RecoverUnderReadErrorsAsync(disk, model, random).ConfigureAwait(false);
            if (probe != null)
                return (probe, true, disk);
            disk = after; // what that recovery left durable: anything it cut or overwrote shows in the clean recovery below
        }

        var strikes = 0;
        var plan = new FaultPlan
        {
            Seed = random.Next(),
            Faults = Faults(c.Fault, disk),
            Crash = life == 0 && c.CrashPointOp > 0 ? new CrashPoint { AtOp = c.CrashPointOp, PerformBytes = c.CrashPointBytes > 0 ? c.CrashPointBytes : null } : null,
        };
        var fs = new FaultyFileSystem(disk, plan, LogDir, crash: () => throw new CrashPointReached(), injected: _ => strikes++);
        var judge = new RecoveryJudge(model, faultsExplainRefusal: c.Fault != SimFault.None || model.MediaFaultPending);
        WriteAheadLog log;
        try
        {
            log = WriteAheadLog.Open(fs, LogDir, Options);
        }
        catch (CrashPointReached)
        {
            return (null, false, disk);
        }
        catch (WalException e)
        {
            // An honest refusal to start is allowed only when a fault explains it (rule 6).
            return (judge.Refusal($"failed to recover: {e.Message}").Violation, true, disk);
        }

        using (log)
        {
            try
            {
                var verdict = await judge.JudgeAsync(new InProcessLog(log)).ConfigureAwait(false);
                if (verdict.Outcome != RecoveryVerdict.Kind.Accepted)
                    return (verdict.Violation, true, disk);
                foreach (var s in steps)
                {
                    if (await StepAsync(log, model, s, c.Fault != SimFault.None).ConfigureAwait(false) is { } runViolation)
                        return (runViolation, true, disk);
                }
            }
            catch (CrashPointReached)
            {
            }
            finally
            {
                model.RequestFaultsInjected |= strikes > 0;
            }
        }

        return (null, false, disk);
    }

    private async Task<Violation?> FinalCheckAsync(SimulatedDisk disk, ChainModel model, SimCase c, SplitMix random)
        => (await LiveAsync(disk, model, c with { CrashPointOp = 0 }, 1, [], random).ConfigureAwait(false)).Violation;

    private static async Task<Violation?> StepAsync(WriteAheadLog log, ChainModel model, SimStep s, bool faultsPossible)
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
                            return Violation.LsnsReused(batch.Index, result.FirstLsn, model.LogNext);
                        model.Acknowledged(batch, result.FirstLsn, s.Sync);
                        if (result.DurableLsn is { } durable)
                            model.AcknowledgedDurable(durable);
                    }
                    catch (WalException e)
                    {
                        (batch.State, batch.Error) = (BatchState.Failed, e.Kind.ToString());
                        if (!faultsPossible)
                            return Violation.RefusedWithoutFault("append", e.Kind.ToString());
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
                    return first > before ? Violation.TruncateAnsweredAbove(before, first) : null;
                default:
                    return null;
            }
        }
        catch (WalException)
        {
            return null; // an error answer is always allowed; what it means for the log is judged at recovery
        }
    }

    /// <summary>
    /// A recovery while reads fail, judged by the harness's own judge: a refusal or an honest io error
    /// is fine, a wrong log is not. Returns what it left durable, for the clean recovery to judge.
    /// </summary>
    private async Task<(Violation? Violation, SimulatedDisk After)> RecoverUnderReadErrorsAsync(SimulatedDisk disk, ChainModel model, SplitMix random)
    {
        var plan = new FaultPlan { Seed = random.Next(), Faults = [new FaultRule { Kind = FaultKind.ReadEio, OneIn = 3 }] };
        var probeModel = ChainModel.FromState(model.ToState());
        probeModel.InjectMediaFault();
        try
        {
            using var log = WriteAheadLog.Open(new FaultyFileSystem(disk, plan, LogDir), LogDir, Options);
            var verdict = await new RecoveryJudge(probeModel, faultsExplainRefusal: true, readErrorsInjected: true).JudgeAsync(new InProcessLog(log)).ConfigureAwait(false);
            return (verdict.Violation, disk.Crash(CrashMode.DropAll, 0));
        }
        catch (WalException)
        {
            return (null, disk.Crash(CrashMode.DropAll, 0));
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
