using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// A persistence profile: what a file system lets survive a power loss. One type per profile
/// both decides whether it admits a crash state (an assignment of outcomes to a window's pending
/// operations) and produces its states: seeded in every crash mode, or every one of them
/// (<see cref="CrashEnumerator"/>). A new profile (XFS, btrfs) is one new subclass, added to
/// <see cref="KnownProfiles.All"/>; the builder, the simulated disk and the enumerator need no edit.
/// </summary>
public abstract class PersistenceProfile
{
    /// <summary>The name users type and reports print ("posix", "ext4-ordered").</summary>
    public abstract string Name { get; }

    /// <summary>One state of this profile, chosen from the seed. Keep-all is a process crash: every operation kept, whatever the profile.</summary>
    public CrashAssignment Compose(CrashWindow window, CrashMode mode, ulong seed)
        => mode == CrashMode.KeepAll ? window.KeepAll() : Choose(window, mode, seed);

    /// <summary>Why this profile cannot produce the state, in plain sentences; empty when it admits it.</summary>
    public abstract IReadOnlyList<string> Objections(CrashWindow window, CrashAssignment state);

    public bool Admits(CrashWindow window, CrashAssignment state) => Objections(window, state).Count == 0;

    /// <summary>A power-loss state (drop-all, random-subset, prefix) from the seed; always one this profile admits.</summary>
    protected abstract CrashAssignment Choose(CrashWindow window, CrashMode mode, ulong seed);

    /// <summary>The outcomes this profile allows for pending operation <paramref name="index"/>, ignoring the other operations.</summary>
    protected internal abstract OpChoices Choices(CrashWindow window, int index, EnumerationLimits limits);

    /// <summary>
    /// Whether <see cref="Choices"/> lists every outcome of pending operation <paramref name="index"/>,
    /// and its <see cref="OpChoices.Total"/>, without building the outcomes where that is costly: a
    /// write over thousands of sectors has thousands of sampled subsets (each as long as the write),
    /// and a kill that only needs to know it cannot be enumerated paid for them twice per profile.
    /// </summary>
    protected internal virtual (bool Complete, double Total) ChoiceCount(CrashWindow window, int index, EnumerationLimits limits)
    {
        var choices = Choices(window, index, limits);
        return (choices.Complete, choices.Total);
    }

    /// <summary>
    /// Above this many sectors (and the torn-sector limit) a write's subsets are sampled and there
    /// are at least 2^64 of them, far more than any sample: its count is then the arithmetic alone.
    /// </summary>
    protected const int ManySectors = 64;

    /// <summary>Whether the outcomes chosen for operations 0..<paramref name="index"/> can still end in a state this profile admits.</summary>
    protected internal virtual bool Consistent(CrashWindow window, IReadOnlyList<OpOutcome> chosen, int index) => true;

    /// <summary>About how many states this profile admits for the window (an upper bound: states that leave the same bytes are not told apart).</summary>
    protected internal virtual double EstimateStates(CrashWindow window)
    {
        var total = 1.0;
        for (var i = 0; i < window.Pending.Count; i++)
            total *= Math.Max(1, ChoiceCount(window, i, EnumerationLimits.Default).Total); // an operation always has one outcome at least (a failed write's: lost)
        return total;
    }

    /// <summary>
    /// States this profile admits that are close to <paramref name="state"/> (for telling whether
    /// a state of another profile leaves bytes this one can leave too).
    /// </summary>
    protected internal virtual IEnumerable<CrashAssignment> Repairs(CrashWindow window, CrashAssignment state) => [];

    public override string ToString() => Name;
}
