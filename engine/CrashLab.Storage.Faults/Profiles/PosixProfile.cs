using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// The weakest guarantee POSIX gives (the contract's persistence table): each operation that is
/// not durable is lost, kept or, for a write, torn to any subset of its sectors, independently
/// of every other; a write that extends its file may leave the size anywhere from the old end to
/// the new one, at sector granularity (zeros where no sector came). Its seeded states are the
/// ones CrashLab has always composed: the same seed gives the same bytes as before profiles.
/// </summary>
public sealed class PosixProfile : PersistenceProfile
{
    private enum Pick { Lost, Kept, Torn, TornPrefix }

    public override string Name => "posix";

    public override IReadOnlyList<string> Objections(CrashWindow window, CrashAssignment state)
    {
        var objections = new List<string>();
        for (var i = 0; i < window.Pending.Count; i++)
        {
            var (op, outcome) = (window.Pending[i], state[i]);
            if (op.Fate == Fate.Lost && outcome.Survives)
                objections.Add($"{window.Names.Describe(op)} survived though a failed fsync had dropped it");
            else if (op.Fate == Fate.Kept && !outcome.Equals(OpOutcome.Whole(op, window.SectorSize)))
                objections.Add($"{window.Names.Describe(op)} was not kept whole though a later fsync made it durable");
            else if (op is WriteOp write && outcome.SizeEnd is { } end && end != write.End && end % window.SectorSize != 0)
                objections.Add($"{window.Names.Describe(op)} left the file {end} B long, not at a sector boundary nor at the write's end");
            else if (op is WriteOp w && outcome.Sectors.Any(s => s < 0 || s >= w.Sectors(window.SectorSize)))
                objections.Add($"{window.Names.Describe(op)} kept a sector it does not have");
        }

        return objections;
    }

    protected override CrashAssignment Choose(CrashWindow window, CrashMode mode, ulong seed)
    {
        var random = new SplitMix(seed);
        var picks = Picks(window.Pending, mode, random);
        var outcomes = new OpOutcome[picks.Length];
        for (var i = 0; i < picks.Length; i++)
        {
            var op = window.Pending[i];
            outcomes[i] = (picks[i], op) switch
            {
                (Pick.Kept, _) => OpOutcome.Whole(op, window.SectorSize),
                (Pick.Torn, WriteOp write) => OpOutcome.Write(write, AnySectors(write, window.SectorSize, random), null, window.SectorSize),
                (Pick.TornPrefix, WriteOp write) => OpOutcome.Write(write, FirstSectors(write, window.SectorSize, random), null, window.SectorSize),
                _ => OpOutcome.Lost,
            };
        }

        return new CrashAssignment(outcomes);
    }

    protected internal override OpChoices Choices(CrashWindow window, int index, EnumerationLimits limits)
    {
        var op = window.Pending[index];
        if (op.Fate == Fate.Lost)
            return OpChoices.Only(OpOutcome.Lost);
        if (op.Fate == Fate.Kept)
            return OpChoices.Only(OpOutcome.Whole(op, window.SectorSize));
        if (op is not WriteOp write)
            return OpChoices.Of([OpOutcome.Lost, OpOutcome.Kept], true, 2);
        var sectors = Enumerable.Range(0, write.Sectors(window.SectorSize)).ToList();
        var (subsets, complete) = SectorSubsets.Of(sectors, limits.TornSectors, (ulong)write.Sequence);
        var sizes = SizeEnds(write, window.SectorSize);
        var sampledSizes = sizes.Count <= limits.PrefixCuts ? sizes : [null, write.End];
        var outcomes = sampledSizes.SelectMany(end => subsets.Select(s => OpOutcome.Write(write, s, end, window.SectorSize)));
        return OpChoices.Of(outcomes, complete && sampledSizes.Count == sizes.Count, SectorSubsets.Count(sectors.Count) * sizes.Count);
    }

    protected internal override (bool Complete, double Total) ChoiceCount(CrashWindow window, int index, EnumerationLimits limits)
    {
        // Choices' total is then the larger of 2^sectors × sizes and its sample's size (far smaller).
        if (window.Pending[index] is WriteOp { Fate: Fate.Free } write && write.Sectors(window.SectorSize) is var sectors && sectors > Math.Max(ManySectors, limits.TornSectors))
            return (false, SectorSubsets.Count(sectors) * SizeEnds(write, window.SectorSize).Count);
        return base.ChoiceCount(window, index, limits);
    }

    protected internal override IEnumerable<CrashAssignment> Repairs(CrashWindow window, CrashAssignment state)
    {
        var outcomes = state.Outcomes.ToArray();
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = window.Pending[i].Fate switch
            {
                Fate.Lost => OpOutcome.Lost,
                Fate.Kept => OpOutcome.Whole(window.Pending[i], window.SectorSize),
                _ => outcomes[i],
            };
        }

        return [new CrashAssignment(outcomes)];
    }

    /// <summary>The sizes an extending write may leave: none of its growth, each sector boundary inside it, its end.</summary>
    private static List<long?> SizeEnds(WriteOp write, int sectorSize)
    {
        var ends = new List<long?> { null };
        if (write.End <= write.OldLength)
            return ends;
        for (var boundary = (write.OldLength / sectorSize + 1) * sectorSize; boundary < write.End; boundary += sectorSize)
            ends.Add(boundary);
        ends.Add(write.End);
        return ends;
    }

    private static Pick[] Picks(IReadOnlyList<PendingOp> pending, CrashMode mode, SplitMix random)
    {
        var picks = new Pick[pending.Count];
        var free = new List<int>();
        for (var i = 0; i < pending.Count; i++)
        {
            picks[i] = pending[i].Fate == Fate.Kept ? Pick.Kept : Pick.Lost;
            if (pending[i].Fate == Fate.Free)
                free.Add(i);
        }

        switch (mode)
        {
            case CrashMode.RandomSubset:
                foreach (var i in free)
                    picks[i] = pending[i] is WriteOp ? (Pick)random.Below(3) : random.Coin() ? Pick.Kept : Pick.Lost;
                break;
            case CrashMode.Prefix:
                var cut = random.Below(free.Count + 1);
                for (var k = 0; k < cut; k++)
                    picks[free[k]] = Pick.Kept;
                if (cut < free.Count)
                    picks[free[cut]] = pending[free[cut]] is WriteOp ? Pick.TornPrefix : Pick.Lost;
                break;
        }

        return picks;
    }

    /// <summary>Each sector independently, one coin each in order (the draws CrashLab has always made).</summary>
    private static List<int> AnySectors(WriteOp write, int sectorSize, SplitMix random)
    {
        var kept = new List<int>();
        for (var (at, sector) = (write.Offset, 0); at < write.Offset + write.Data.Length; sector++)
        {
            if (random.Coin())
                kept.Add(sector);
            at = Math.Min(write.Offset + write.Data.Length, (at / sectorSize + 1) * sectorSize);
        }

        return kept;
    }

    /// <summary>The first sectors up to a cut strictly inside the write, as a disk writing in order leaves it (one sector: kept or lost whole).</summary>
    private static IEnumerable<int> FirstSectors(WriteOp write, int sectorSize, SplitMix random)
    {
        var sectors = (int)((write.Offset + write.Data.Length + sectorSize - 1) / sectorSize - write.Offset / sectorSize);
        var keep = sectors < 2 ? (random.Coin() ? sectors : 0) : 1 + random.Below(sectors - 1);
        return Enumerable.Range(0, keep);
    }
}
