using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// How ext4 (data=ordered, delayed allocation, 4 KiB blocks) sees a window's pending
/// operations: which are journaled (names, size changes, and the size growth of an append that
/// ends inside a block the file already has), which a successful sync committed, and, for each
/// write, which of its sectors are in place (blocks the file had at its last sync) and which go
/// into new blocks. <see cref="Project"/> maps any assignment to the nearest one ext4 admits.
/// </summary>
internal sealed class Ext4Layout
{
    private readonly CrashWindow _window;
    private readonly bool[] _journaled;
    private readonly bool[] _committed;
    private readonly int[][] _inPlace;
    private readonly int[][] _new;
    private readonly HashSet<int>[] _extending;

    public Ext4Layout(CrashWindow window)
    {
        _window = window;
        var pending = window.Pending;
        var commitLevel = window.Barriers.Select(Through).DefaultIfEmpty(0).Max();
        (_journaled, _committed) = (new bool[pending.Count], new bool[pending.Count]);
        (_inPlace, _new, _extending) = (new int[pending.Count][], new int[pending.Count][], new HashSet<int>[pending.Count]);
        for (var i = 0; i < pending.Count; i++)
        {
            var op = pending[i];
            (_inPlace[i], _new[i], _extending[i]) = ([], [], []);
            if (op is WriteOp write)
            {
                var allocated = ChangeHistory.RoundUpToBlock(write.SettledLength);
                var sectors = Enumerable.Range(0, write.Sectors(window.SectorSize)).ToList();
                _inPlace[i] = [.. sectors.Where(s => FileSectorStart(write, s) < allocated)];
                _new[i] = [.. sectors.Where(s => FileSectorStart(write, s) >= allocated)];
                _extending[i] = [.. sectors.Where(s => write.SectorRange(s, window.SectorSize).End > write.OldLength)];
                _journaled[i] = JournalsGrowth(write);
            }
            else
            {
                _journaled[i] = true;
            }

            _committed[i] = _journaled[i] && op.Fate == Fate.Free && op.Sequence <= commitLevel;
        }
    }

    /// <summary>
    /// The last operation a successful sync commits on ext4: every journaled operation issued up
    /// to the change it waits for. An fsync waits for the file's or directory's last change. An
    /// fdatasync waits for the file's last change of size or allocation, even when overwrites came
    /// after it: ext4 keeps that change's transaction per inode (i_datasync_tid, set by
    /// ext4_update_inode_fsync_trans on a size change, a block allocation, an unwritten extent's
    /// conversion, and an inode's creation) and ext4_sync_file commits it when it is not yet
    /// committed. The contract's words ("only when that last change moved the size or
    /// allocation") would let an fdatasync after an overwrite leave an earlier, uncommitted
    /// allocation change (and everything before it) to be lost; ext4 does not. A write into
    /// preallocated blocks converts them, so it counts as a change of allocation.
    /// </summary>
    public static long Through(SyncBarrier barrier) => barrier.LastChange;

    public bool Free(int i) => _window.Pending[i].Fate == Fate.Free;

    public bool Committed(int i) => _committed[i];

    /// <summary>Journaled, and not yet committed: its survival is ruled by the journal's order.</summary>
    public bool Ordered(int i) => _journaled[i] && Free(i) && !_committed[i];

    /// <summary>An append whose size growth the journal carries: it ends inside a block the file already has.</summary>
    public bool GrowthJournaled(int i) => _journaled[i] && _window.Pending[i] is WriteOp;

    public IReadOnlyList<int> InPlace(int i) => _inPlace[i];

    public IReadOnlyList<int> New(int i) => _new[i];

    public IReadOnlySet<int> Extending(int i) => _extending[i];

    /// <summary>The first sync that commits the operation on ext4 (for sentences).</summary>
    public SyncBarrier? CommitterOf(PendingOp op)
        => _window.Barriers.Where(b => Through(b) >= op.Sequence).MinBy(b => b.Sequence);

    /// <summary>Whether the journaled part of operation <paramref name="i"/> survives in an outcome.</summary>
    public bool JournalSurvives(int i, OpOutcome outcome)
        => _window.Pending[i] is WriteOp write ? outcome.ReachedEnd(write, _window.SectorSize) > 0 : outcome.Survives;

    public long FileSector(int i, int sector) => ((WriteOp)_window.Pending[i]).Offset / _window.SectorSize + sector;

    /// <summary>The journaled part of operation <paramref name="i"/> survives or not; the rest of its outcome as given where ext4 allows.</summary>
    public OpOutcome SetJournal(int i, OpOutcome outcome, bool survives)
    {
        if (_window.Pending[i] is not WriteOp write)
            return survives ? OpOutcome.Kept : OpOutcome.Lost;
        return survives
            ? OpOutcome.Write(write, outcome.Sectors, write.End, _window.SectorSize)
            : OpOutcome.Write(write, outcome.Sectors.Where(s => !_extending[i].Contains(s)), null, _window.SectorSize);
    }

    /// <summary>
    /// The assignment ext4 admits that is nearest to <paramref name="state"/>: doomed and synced
    /// operations as the sync rules say; committed journaled operations kept; the journal cut at
    /// its first lost operation (or, with <paramref name="extend"/>, kept up to its last
    /// surviving one); each file's new blocks cut to a prefix the same way, its size covering them.
    /// </summary>
    public CrashAssignment Project(CrashAssignment state, bool extend)
    {
        var pending = _window.Pending;
        var outcomes = state.Outcomes.ToArray();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (pending[i].Fate == Fate.Lost)
                outcomes[i] = OpOutcome.Lost;
            else if (pending[i].Fate == Fate.Kept)
                outcomes[i] = OpOutcome.Whole(pending[i], _window.SectorSize);
        }

        var order = Enumerable.Range(0, outcomes.Length).Where(Ordered).ToList();
        var surviving = order.Select(i => JournalSurvives(i, outcomes[i])).ToList();
        var cut = extend ? surviving.LastIndexOf(true) + 1 : surviving.IndexOf(false) is var lost and >= 0 ? lost : order.Count;
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (_journaled[i] && Free(i))
                outcomes[i] = SetJournal(i, outcomes[i], _committed[i] || order.IndexOf(i) < cut);
        }

        foreach (var file in Enumerable.Range(0, outcomes.Length).Where(i => _new[i].Length > 0 && Free(i)).GroupBy(i => pending[i].Inode))
            CutNewBlocks([.. file], outcomes, extend);
        return new CrashAssignment(outcomes);
    }

    /// <summary>Which of a file's new-block sectors survive, as the first write over each one decided (later writes over it agree: the page holds their last bytes).</summary>
    public SortedDictionary<long, bool> NewBlockSectors(IEnumerable<int> writes, Func<int, OpOutcome> outcome)
    {
        var decided = new SortedDictionary<long, bool>();
        foreach (var i in writes)
        {
            var kept = outcome(i).Sectors.ToHashSet();
            var prefix = _new[i].TakeWhile(kept.Contains).ToHashSet();
            foreach (var sector in _new[i])
                decided.TryAdd(FileSector(i, sector), prefix.Contains(sector));
        }

        return decided;
    }

    /// <summary>The first file sector past the surviving prefix: before the first lost sector, or (extending) after the last kept one.</summary>
    private static long PrefixEnd(SortedDictionary<long, bool> decided, bool extend)
    {
        var cut = extend ? long.MinValue : long.MaxValue;
        foreach (var (sector, kept) in decided)
        {
            if (extend && kept)
                cut = sector + 1;
            if (!extend && !kept)
                return sector;
        }

        return cut;
    }

    private void CutNewBlocks(List<int> writes, OpOutcome[] outcomes, bool extend)
    {
        var cut = PrefixEnd(NewBlockSectors(writes, i => outcomes[i]), extend);
        foreach (var i in writes)
        {
            var write = (WriteOp)_window.Pending[i];
            var newKept = _new[i].Where(s => FileSector(i, s) < cut).ToList();
            var inPlace = outcomes[i].Sectors.Where(s => _inPlace[i].Contains(s));
            if (newKept.Count == 0)
                inPlace = inPlace.Where(s => !_extending[i].Contains(s));
            outcomes[i] = OpOutcome.Write(write, inPlace.Concat(newKept), null, _window.SectorSize);
        }
    }

    private long FileSectorStart(WriteOp write, int sector) => (write.Offset / _window.SectorSize + sector) * _window.SectorSize;

    private static bool JournalsGrowth(WriteOp write)
        => write.End > write.OldLength && write.End <= ChangeHistory.RoundUpToBlock(write.SettledLength);
}
