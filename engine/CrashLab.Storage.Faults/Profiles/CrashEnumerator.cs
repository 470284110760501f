using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// Lists every distinct crash state a profile admits for a window, up to a bound: a depth-first
/// walk over each pending operation's allowed outcomes, pruned by the profile's consistency
/// check, each complete choice checked for admission and deduplicated by the bytes it leaves (its
/// fingerprint: cheap even over large files).
/// When the states outnumber the bound (or a torn write had to be sampled), it returns a sample
/// instead: seeded states of every power-loss mode first, then states from the walk.
/// </summary>
public static class CrashEnumerator
{
    public static Enumeration Enumerate(PersistenceProfile profile, CrashWindow window, EnumerationLimits? limits = null)
        => Enumerate(profile, window, limits ?? EnumerationLimits.Default, sample: true);

    /// <summary>
    /// Every distinct state when they are no more than the bound (exhaustive), else only how many
    /// there are, with no states: for a caller that samples a large window its own way (a
    /// campaign's kill, <c>KillStates</c>). It skips the work whose result such a caller drops: the
    /// walk over a window with a torn write that must be sampled (it can never be exhaustive), and
    /// the sample of up to the bound composed and fingerprinted states.
    /// </summary>
    public static Enumeration EnumerateIfSmall(PersistenceProfile profile, CrashWindow window, EnumerationLimits? limits = null)
        => Enumerate(profile, window, limits ?? EnumerationLimits.Default, sample: false);

    private static Enumeration Enumerate(PersistenceProfile profile, CrashWindow window, EnumerationLimits limits, bool sample)
    {
        if (!sample && !Enumerable.Range(0, window.Pending.Count).All(i => profile.ChoiceCount(window, i, limits).Complete))
            return new Enumeration(profile.Name, [], false, profile.EstimateStates(window), true);
        var choices = Enumerable.Range(0, window.Pending.Count).Select(i => profile.Choices(window, i, limits)).ToArray();
        var walk = new Walk(profile, window, choices, limits);
        walk.Visit(0);
        if (choices.All(c => c.Complete) && !walk.Stopped)
            return new Enumeration(profile.Name, walk.Found, true, walk.Found.Count, false);
        if (!sample) // the walk stopped at a limit
            return new Enumeration(profile.Name, [], false, Math.Max(profile.EstimateStates(window), walk.Found.Count), true);
        var sampled = Sample(profile, window, walk.Found, limits.MaxStates);
        var estimate = Math.Max(profile.EstimateStates(window), Math.Max(walk.Found.Count, sampled.Count));
        return new Enumeration(profile.Name, sampled, false, estimate, true);
    }

    private static List<EnumeratedState> Sample(PersistenceProfile profile, CrashWindow window, List<EnumeratedState> walked, int bound)
    {
        var sample = new List<EnumeratedState>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(CrashAssignment assignment)
        {
            var fingerprint = window.Fingerprint(assignment);
            if (sample.Count < bound && seen.Add(fingerprint))
                sample.Add(new EnumeratedState(window, assignment, fingerprint));
        }

        for (var seed = 0UL; seed < (ulong)bound * 2 && sample.Count < bound / 2; seed++)
            Add(profile.Compose(window, CrashModes.PowerLoss[(int)(seed % (ulong)CrashModes.PowerLoss.Count)], seed));
        foreach (var state in walked)
            Add(state.Assignment);
        return sample;
    }

    private sealed class Walk(PersistenceProfile profile, CrashWindow window, OpChoices[] choices, EnumerationLimits limits)
    {
        private readonly OpOutcome[] _chosen = new OpOutcome[choices.Length];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private int _visits;
        private long _leafWork;

        public List<EnumeratedState> Found { get; } = [];

        /// <summary>The walk ended early: more distinct states than the bound, or too many choices tried or visited.</summary>
        public bool Stopped { get; private set; }

        public void Visit(int index)
        {
            if (Stopped)
                return;
            if (index == choices.Length)
            {
                Leaf();
                return;
            }

            foreach (var outcome in choices[index].Outcomes)
            {
                if (++_visits > limits.MaxVisits)
                {
                    Stopped = true;
                    return;
                }

                _chosen[index] = outcome;
                if (profile.Consistent(window, _chosen, index))
                    Visit(index + 1);
                if (Stopped)
                    return;
            }
        }

        private void Leaf()
        {
            _leafWork += EnumerationLimits.LeafWeight(window.Pending.Count);
            if (_leafWork > limits.MaxLeafWork)
            {
                Stopped = true;
                return;
            }

            var assignment = new CrashAssignment([.. _chosen]);
            if (!profile.Admits(window, assignment))
                return;
            var fingerprint = window.Fingerprint(assignment);
            if (!_seen.Add(fingerprint))
                return;
            if (Found.Count == limits.MaxStates)
            {
                Stopped = true;
                return;
            }

            Found.Add(new EnumeratedState(window, assignment, fingerprint));
        }
    }
}
