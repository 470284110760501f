using System.Runtime.CompilerServices;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// Linux ext4 with data=ordered and delayed allocation (its defaults): one journal, 4 KiB blocks.
/// Journaled operations (create, rename, unlink, size changes, and the size growth of an append
/// that ends inside a block the file already has) survive as a prefix in issue order. A
/// successful fsync of a file or directory commits every journaled operation up to its last
/// change; an fdatasync up to the file's last change of size or allocation (its create, a size
/// change, new blocks, or a write into preallocated ones), whatever followed it: ext4 commits
/// the transaction of that change (i_datasync_tid), not nothing when the last write was an
/// overwrite, as the contract's words would have it (see <see cref="Ext4Layout.Through"/>). Bytes into new
/// blocks survive, per file, as a sector-granular prefix with the size covering exactly them;
/// bytes into blocks the file has are lost, kept or torn by sector as under posix. Every state
/// it admits, posix admits too.
/// </summary>
public sealed class Ext4OrderedProfile : PersistenceProfile
{
    private static readonly ConditionalWeakTable<CrashWindow, Ext4Layout> Layouts = [];

    public override string Name => "ext4-ordered";

    public override IReadOnlyList<string> Objections(CrashWindow window, CrashAssignment state)
    {
        var layout = Layout(window);
        var nearest = layout.Project(state, extend: false);
        if (nearest.Equals(state))
            return [];
        var reasons = new Ext4Reasons(window, layout).Explain(state);
        return reasons.Count > 0 ? reasons : ["the state differs from every state ext4 (data=ordered) can leave"];
    }

    protected override CrashAssignment Choose(CrashWindow window, CrashMode mode, ulong seed)
    {
        var posix = KnownProfiles.Posix.Compose(window, mode, seed);
        var layout = Layout(window);
        if (mode != CrashMode.RandomSubset)
            return layout.Project(posix, extend: false);

        // A random ext4 state cuts the journal and each file's new blocks at uniform points:
        // projecting posix's independent coins would nearly always cut at the first operation.
        var random = new SplitMix(seed ^ 0xE47_0_0DE5);
        var outcomes = posix.Outcomes.ToArray();
        var ordered = Enumerable.Range(0, outcomes.Length).Where(layout.Ordered).ToList();
        var cut = random.Below(ordered.Count + 1);
        for (var k = 0; k < ordered.Count; k++)
            outcomes[ordered[k]] = layout.SetJournal(ordered[k], outcomes[ordered[k]], k < cut);
        foreach (var file in Enumerable.Range(0, outcomes.Length).Where(i => layout.New(i).Count > 0 && layout.Free(i)).GroupBy(i => window.Pending[i].Inode))
        {
            var sectors = file.SelectMany(i => layout.New(i).Select(s => layout.FileSector(i, s))).Distinct().Order().ToList();
            var end = random.Below(sectors.Count + 1) is var keep && keep < sectors.Count ? sectors[keep] : long.MaxValue;
            foreach (var i in file)
            {
                var write = (WriteOp)window.Pending[i];
                var kept = outcomes[i].Sectors.Where(s => layout.InPlace(i).Contains(s)).Concat(layout.New(i).Where(s => layout.FileSector(i, s) < end));
                outcomes[i] = OpOutcome.Write(write, kept, null, window.SectorSize);
            }
        }

        return layout.Project(new CrashAssignment(outcomes), extend: false);
    }

    protected internal override OpChoices Choices(CrashWindow window, int index, EnumerationLimits limits)
    {
        var layout = Layout(window);
        var op = window.Pending[index];
        if (!layout.Free(index))
            return OpChoices.Only(op.Fate == Fate.Lost ? OpOutcome.Lost : OpOutcome.Whole(op, window.SectorSize));
        if (op is not WriteOp write)
            return layout.Committed(index) ? OpChoices.Only(OpOutcome.Kept) : OpChoices.Of([OpOutcome.Lost, OpOutcome.Kept], true, 2);
        var seed = (ulong)write.Sequence;
        var all = layout.InPlace(index).Concat(layout.New(index)).ToList();
        var fixedEnd = all.Where(s => !layout.Extending(index).Contains(s)).ToList();
        var (fixedSubsets, fixedComplete) = SectorSubsets.Of(fixedEnd, limits.TornSectors, seed);
        if (layout.GrowthJournaled(index))
        {
            var (anySubsets, anyComplete) = SectorSubsets.Of(all, limits.TornSectors, seed);
            var grown = anySubsets.Select(s => OpOutcome.Write(write, s, write.End, window.SectorSize));
            if (layout.Committed(index))
                return OpChoices.Of(grown, anyComplete, SectorSubsets.Count(all.Count));
            var notGrown = fixedSubsets.Select(s => OpOutcome.Write(write, s, null, window.SectorSize));
            return OpChoices.Of(grown.Concat(notGrown), anyComplete && fixedComplete, SectorSubsets.Count(all.Count) + SectorSubsets.Count(fixedEnd.Count));
        }

        if (layout.New(index).Count == 0)
        {
            var (anySubsets, anyComplete) = SectorSubsets.Of(all, limits.TornSectors, seed);
            return OpChoices.Of(anySubsets.Select(s => OpOutcome.Write(write, s, null, window.SectorSize)), anyComplete, SectorSubsets.Count(all.Count));
        }

        var fresh = layout.New(index);
        var inPlace = layout.InPlace(index).ToList();
        var (inPlaceSubsets, inPlaceComplete) = SectorSubsets.Of(inPlace, limits.TornSectors, seed);
        var cuts = Cuts(fresh.Count, limits.PrefixCuts);
        var outcomes = fixedSubsets.Where(s => s.All(x => inPlace.Contains(x))).Select(s => OpOutcome.Write(write, s, null, window.SectorSize))
            .Concat(cuts.Where(c => c > 0).SelectMany(c => inPlaceSubsets.Select(s => OpOutcome.Write(write, s.Concat(fresh.Take(c)), null, window.SectorSize))));
        var total = SectorSubsets.Count(fixedEnd.Count(inPlace.Contains)) + fresh.Count * SectorSubsets.Count(inPlace.Count);
        return OpChoices.Of(outcomes, fixedComplete && inPlaceComplete && cuts.Count == fresh.Count + 1, total);
    }

    protected internal override (bool Complete, double Total) ChoiceCount(CrashWindow window, int index, EnumerationLimits limits)
    {
        // Where every subset of a write's sectors counts (its growth journaled, or no new sectors),
        // a write over many sectors has at least 2^64 outcomes: far more than Choices' sample.
        var layout = Layout(window);
        var many = Math.Max(ManySectors, limits.TornSectors);
        if (window.Pending[index] is WriteOp && layout.Free(index) && (layout.GrowthJournaled(index) || layout.New(index).Count == 0)
            && layout.InPlace(index).Count + layout.New(index).Count is var all && all > many)
        {
            var fixedEnd = layout.InPlace(index).Concat(layout.New(index)).Count(s => !layout.Extending(index).Contains(s));
            var total = !layout.GrowthJournaled(index) || layout.Committed(index)
                ? SectorSubsets.Count(all)
                : SectorSubsets.Count(all) + SectorSubsets.Count(fixedEnd);
            return (false, total);
        }

        return base.ChoiceCount(window, index, limits);
    }

    protected internal override bool Consistent(CrashWindow window, IReadOnlyList<OpOutcome> chosen, int index)
    {
        var layout = Layout(window);
        if (layout.Ordered(index) && layout.JournalSurvives(index, chosen[index]))
        {
            for (var j = 0; j < index; j++)
            {
                if (layout.Ordered(j) && !layout.JournalSurvives(j, chosen[j]))
                    return false;
            }
        }

        if (layout.New(index).Count == 0 || !layout.Free(index))
            return true;
        var inode = window.Pending[index].Inode;
        var writes = Enumerable.Range(0, index + 1).Where(j => window.Pending[j].Inode == inode && layout.New(j).Count > 0 && layout.Free(j)).ToList();
        var mine = layout.NewBlockSectors([index], j => chosen[j]);
        var decided = layout.NewBlockSectors(writes, j => chosen[j]);
        if (mine.Any(s => decided[s.Key] != s.Value))
            return false;
        return !decided.Values.SkipWhile(kept => kept).Contains(true);
    }

    protected internal override double EstimateStates(CrashWindow window)
    {
        // Independent choices over-count the ordered ones: the journal has (n + 1) cuts, not 2^n.
        var layout = Layout(window);
        var ordered = Enumerable.Range(0, window.Pending.Count).Count(layout.Ordered);
        return base.EstimateStates(window) / Math.Pow(2, ordered) * (ordered + 1);
    }

    protected internal override IEnumerable<CrashAssignment> Repairs(CrashWindow window, CrashAssignment state)
        => [Layout(window).Project(state, extend: false), Layout(window).Project(state, extend: true)];

    private static Ext4Layout Layout(CrashWindow window) => Layouts.GetValue(window, w => new Ext4Layout(w));

    /// <summary>Every prefix length 0..n of n new sectors, or a spread of them when n is large.</summary>
    private static List<int> Cuts(int sectors, int limit)
        => sectors + 1 <= limit ? [.. Enumerable.Range(0, sectors + 1)]
            : [.. Enumerable.Range(0, limit).Select(k => (int)((long)k * sectors / (limit - 1))).Distinct()];
}
