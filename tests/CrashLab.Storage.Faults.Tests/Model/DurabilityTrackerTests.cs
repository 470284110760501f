using CrashLab.Storage.Faults.Model;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Model;

/// <summary>
/// The tracker visits only the synced file's or directory's pending operations, so a sync costs
/// what that file has pending, not the whole window. It must settle exactly what the plain rule
/// settles: a scan of every pending operation in issue order (<see cref="ScanningTracker"/>, the
/// rule as the fault model states it). Long random histories over a few files and directories,
/// with failed syncs and withdrawn operations, compared step by step.
/// </summary>
public sealed class DurabilityTrackerTests
{
    private static readonly string[] Directories = ["", "d"];

    [Property(MaxTest = 40)]
    public void EverySync_SettlesWhatAScanOfAllPendingOperationsSettles(ulong seed)
    {
        var random = new SplitMix(seed);
        var (tracker, scan) = (new DurabilityTracker(), new ScanningTracker());
        var lengths = new Dictionary<long, long>();
        var names = new List<(string Path, long Inode)>();
        long sequence = 0, nextInode = 1;
        for (var step = 0; step < 600; step++)
        {
            var inode = 1 + random.Below(4);
            var op = ++sequence;
            switch (random.Below(12))
            {
                case 0 or 1 or 2 or 3:
                {
                    var (offset, length) = (random.Below(5) * 1000L, 1 + random.Below(3000));
                    var old = lengths.GetValueOrDefault(inode);
                    Both(() => new WriteOp(op, inode, offset, length) { OldLength = old });
                    lengths[inode] = Math.Max(old, offset + length);
                    break;
                }

                case 4:
                {
                    var (old, length) = (lengths.GetValueOrDefault(inode), (long)random.Below(9000));
                    Both(() => new SetLengthOp(op, inode, length) { OldLength = old });
                    lengths[inode] = length;
                    break;
                }

                case 5:
                {
                    var (path, created) = ($"{Directories[random.Below(2)]}/f{op}".TrimStart('/'), nextInode++);
                    names.Add((path, created));
                    Both(() => new CreateOp(op, path, created));
                    break;
                }

                case 6 when names.Count > 0:
                {
                    var (path, moved) = names[random.Below(names.Count)];
                    var to = $"{Directories[random.Below(2)]}/r{op}".TrimStart('/');
                    names.Remove((path, moved));
                    if (random.Coin())
                    {
                        names.Add((to, moved));
                        Both(() => new RenameOp(op, path, to, moved, null));
                    }
                    else
                    {
                        Both(() => new UnlinkOp(op, path, moved));
                    }

                    break;
                }

                case 7:
                    Same(tracker.DataSync(inode, op), scan.Settle(op, inode, dataOnly: true), seed, step);
                    break;
                case 8:
                    Same(tracker.Sync(inode, op), scan.Settle(op, inode, dataOnly: false), seed, step);
                    break;
                case 9:
                {
                    var directory = Directories[random.Below(2)];
                    Same(tracker.SyncDirectory(directory, op), scan.SettleDirectory(op, directory), seed, step);
                    break;
                }

                case 10 when random.Below(4) == 0:
                    tracker.SyncFailed(inode);
                    scan.SyncFailed(inode);
                    break;
                case 11 when random.Below(3) == 0 && scan.Pending.Count > 0:
                    tracker.Withdraw(tracker.Pending[^1]);
                    scan.Pending.RemoveAt(scan.Pending.Count - 1);
                    break;
            }

            Assert.True(scan.Barriers.SequenceEqual(tracker.History.Barriers), $"seed {seed}, step {step}: the barriers differ");
            // Reading the whole list closes the tracker's holes: only now and then, so the holes pile up in between.
            if (step % 97 == 0 || step == 599)
                Assert.True(Describe(scan.Pending) == Describe(tracker.Pending), $"seed {seed}, step {step}: pending {Describe(scan.Pending)} vs {Describe(tracker.Pending)}");
        }

        void Both(Func<PendingOp> make)
        {
            tracker.Add(make());
            scan.Add(make());
        }
    }

    private static void Same(List<PendingOp> tracked, List<PendingOp> scanned, ulong seed, int step)
        => Assert.True(Describe(scanned) == Describe(tracked), $"seed {seed}, step {step}: settled {Describe(tracked)}, the scan settles {Describe(scanned)}");

    private static string Describe(IEnumerable<PendingOp> ops)
        => string.Join(" ", ops.Select(o => $"{o.Sequence}:{o.Fate}" + (o is WriteOp w ? $"/{w.SettledLength}" : "")));

    /// <summary>
    /// The rule as written: each sync scans every pending operation in issue order; a covered free
    /// one becomes durable, unless a lost (failed-sync) write on its inode came before it.
    /// </summary>
    private sealed class ScanningTracker
    {
        private readonly ChangeHistory _history = new();
        private int _barriersSeen;

        public List<PendingOp> Pending { get; } = [];

        public List<SyncBarrier> Barriers { get; } = [];

        public void Add(PendingOp op)
        {
            _history.Note(op);
            Pending.Add(op);
        }

        public List<PendingOp> Settle(long sequence, long inode, bool dataOnly)
        {
            _history.Synced(sequence, inode, dataOnly);
            var lastWrite = Pending.FindLastIndex(op => op is WriteOp && op.Inode == inode && op.Fate != Fate.Lost);
            return Scan(i => Pending[i].Inode == inode && (!dataOnly || Pending[i] is WriteOp || i < lastWrite));
        }

        public List<PendingOp> SettleDirectory(long sequence, string directory)
        {
            _history.SyncedDirectory(sequence, directory);
            return Scan(i => Pending[i].Directory == directory);
        }

        public void SyncFailed(long inode)
        {
            foreach (var op in Pending.Where(op => op.Inode == inode && op.Fate == Fate.Free))
                op.Fate = Fate.Lost;
        }

        private List<PendingOp> Scan(Func<int, bool> covered)
        {
            var durable = new List<PendingOp>();
            var doomed = new HashSet<long>();
            var kept = new List<PendingOp>();
            for (var i = 0; i < Pending.Count; i++)
            {
                var op = Pending[i];
                if (op.Fate == Fate.Lost && op.Inode is { } lost)
                    doomed.Add(lost);
                if (!covered(i) || op.Fate != Fate.Free)
                    kept.Add(op);
                else if (op.Inode is { } inode && doomed.Contains(inode))
                    kept.Add(Keep(op));
                else
                    durable.Add(op);
            }

            Pending.Clear();
            Pending.AddRange(kept);
            // Every barrier the history ever took, pruned as the rule says: gone once it reaches no pending operation.
            Barriers.AddRange(_history.Barriers.Skip(_barriersSeen));
            _barriersSeen = _history.Barriers.Count;
            var oldest = Pending.Count > 0 ? Pending[0].Sequence : long.MaxValue;
            Barriers.RemoveAll(b => b.LastChange < oldest);
            return durable;
        }

        private static PendingOp Keep(PendingOp op)
        {
            op.Fate = Fate.Kept;
            return op;
        }
    }
}
