namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// Builds one state the persistence model allows after a power loss: the durable base plus a
/// seeded choice of what happened to each pending operation. Deterministic from the seed.
/// </summary>
public static class CrashComposer
{
    private enum Outcome { Lost, Kept, Torn, TornPrefix }

    /// <param name="fates">If given, receives what became of each pending operation (for reports).</param>
    public static FsImage Compose(FsImage durable, IReadOnlyList<PendingOp> pending, CrashMode mode, ulong seed, int sectorSize, List<OpFate>? fates = null)
    {
        var random = new SplitMix(seed);
        var outcomes = Choose(pending, mode, random);
        var image = durable.Clone();
        for (var i = 0; i < pending.Count; i++)
        {
            switch (outcomes[i])
            {
                case Outcome.Kept:
                    pending[i].Apply(image);
                    fates?.Add(new OpFate(pending[i].Sequence, "kept", null));
                    break;
                case Outcome.Torn when pending[i] is WriteOp write:
                    var kept = write.ApplyTorn(image, sectorSize, random);
                    image.TornWrites++;
                    fates?.Add(new OpFate(pending[i].Sequence, "torn", $"kept sectors {Sectors(kept)} of {write.Sectors(sectorSize)} ({sectorSize} B)"));
                    break;
                case Outcome.TornPrefix when pending[i] is WriteOp write:
                    var first = write.ApplyTornPrefix(image, sectorSize, random);
                    image.TornWrites++;
                    fates?.Add(new OpFate(pending[i].Sequence, "torn", $"kept the first {first} of {write.Sectors(sectorSize)} sectors ({sectorSize} B)"));
                    break;
                default:
                    fates?.Add(new OpFate(pending[i].Sequence, "lost", null));
                    break;
            }
        }

        return image;
    }

    private static Outcome[] Choose(IReadOnlyList<PendingOp> pending, CrashMode mode, SplitMix random)
    {
        var outcomes = new Outcome[pending.Count];
        var free = new List<int>();
        for (var i = 0; i < pending.Count; i++)
        {
            outcomes[i] = pending[i].Fate == Fate.Kept || mode == CrashMode.KeepAll ? Outcome.Kept : Outcome.Lost;
            if (pending[i].Fate == Fate.Free)
                free.Add(i);
        }

        switch (mode)
        {
            case CrashMode.RandomSubset:
                foreach (var i in free)
                    outcomes[i] = pending[i] is WriteOp ? (Outcome)random.Below(3) : random.Coin() ? Outcome.Kept : Outcome.Lost;
                break;
            case CrashMode.Prefix:
                var cut = random.Below(free.Count + 1);
                for (var k = 0; k < cut; k++)
                    outcomes[free[k]] = Outcome.Kept;
                if (cut < free.Count)
                    outcomes[free[cut]] = pending[free[cut]] is WriteOp ? Outcome.TornPrefix : Outcome.Lost;
                break;
        }

        return outcomes;
    }

    private static string Sectors(List<int> kept) => kept.Count == 0 ? "none" : string.Join(",", kept);
}
