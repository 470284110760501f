namespace CrashLab.Storage.Faults.Profiles;

/// <summary>How far an enumeration of a kill's crash states goes (settings; the defaults are measured, docs/fault-model.md).</summary>
public sealed record EnumerationLimits
{
    /// <summary>At most this many distinct states per kill; a kill with more is sampled and says how many of how many.</summary>
    public int MaxStates { get; init; } = 64;

    /// <summary>A torn write over at most this many sectors has every subset of them enumerated; a longer one is sampled.</summary>
    public int TornSectors { get; init; } = 4;

    /// <summary>An append over at most this many new sectors has every prefix (or size) enumerated; a longer one is sampled.</summary>
    public int PrefixCuts { get; init; } = 32;

    /// <summary>
    /// Stop after visiting this many partial choices, whatever was found. The bound on complete
    /// assignments alone is not enough: with hundreds of writes pending (SQLite's unsynced WAL
    /// frames under `synchronous=NORMAL`), ext4-ordered's consistency check can discard every
    /// partial choice before one is complete, and the walk ran for many minutes without a leaf.
    /// </summary>
    public int MaxVisits { get; init; } = 100_000;

    /// <summary>
    /// Stop once the complete assignments tried, each weighed by <see cref="LeafWeight"/> (checking
    /// one costs about as much as the operations pending), pass this, whatever was found: the one
    /// bound on the assignments a walk tries. A window of up to 25 pending operations gets 20,000
    /// tries; one with 800 pending (SQLite's WAL frames under `synchronous=NORMAL`) 625, where
    /// 20,000 took many minutes per kill. (A second setting, MaxAssignments = 20,000, bounded the
    /// same tries for the small windows until session 8; the weight's floor now does.)
    /// </summary>
    public long MaxLeafWork { get; init; } = 500_000;

    /// <summary>What one complete assignment of a window of <paramref name="pending"/> operations weighs against <see cref="MaxLeafWork"/>: their number, and no less than 25.</summary>
    public static int LeafWeight(int pending) => Math.Max(SmallWindow, pending);

    private const int SmallWindow = 25;

    public static EnumerationLimits Default { get; } = new();
}

/// <summary>The outcomes a profile allows for one pending operation, whether they are all of them, and how many there are in all.</summary>
public sealed record OpChoices(IReadOnlyList<OpOutcome> Outcomes, bool Complete, double Total)
{
    public static OpChoices Only(OpOutcome outcome) => new([outcome], true, 1);

    /// <summary>The distinct outcomes among <paramref name="outcomes"/>.</summary>
    public static OpChoices Of(IEnumerable<OpOutcome> outcomes, bool complete, double total)
    {
        var distinct = outcomes.Distinct().ToList();
        return new OpChoices(distinct, complete, complete ? distinct.Count : Math.Max(total, distinct.Count));
    }
}
