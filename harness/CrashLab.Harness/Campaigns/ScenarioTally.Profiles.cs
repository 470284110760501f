using System.Collections.Concurrent;

namespace CrashLab.Harness.Campaigns;

public sealed partial class CampaignTally
{
    /// <summary>The per-profile side of a scenario's counts: each requested profile's states, kills and failures.</summary>
    public sealed partial class ScenarioTally
    {
        private readonly ConcurrentDictionary<string, ProfileTally> _profiles = new(StringComparer.Ordinal);

        /// <summary>The profiles whose verdicts were asked for, weakest first.</summary>
        public IReadOnlyList<string> Profiles { get; } = profiles;

        /// <summary>One requested profile's counts (a chain's forward to its scenario's).</summary>
        public ProfileTally Profile(string profile)
            => _profiles.GetOrAdd(profile, p => new ProfileTally(p, parent?.Profile(p)));

        /// <summary>A violation counts against <paramref name="profile"/> unless its state is one that profile does not admit.</summary>
        public bool Failed(string profile) => Violations.Any(v => v.CountsAgainst(profile));

        /// <summary>The requested profiles with no violation yet: the ones a chain still has a verdict to find for.</summary>
        public IReadOnlyList<string> Passing => [.. Profiles.Where(p => !Failed(p))];

        /// <summary>A power-loss kill judged under <paramref name="profile"/>.</summary>
        public void ProfileKill(string profile, bool exhaustive, int checkedStates, double total)
        {
            if (Profiles.Contains(profile))
                Profile(profile).Kill(exhaustive, checkedStates, total);
        }

        /// <summary>The requested profiles among <paramref name="admittedBy"/> (null: all of them).</summary>
        private IEnumerable<string> Requested(IEnumerable<string>? admittedBy)
            => admittedBy == null ? Profiles : Profiles.Intersect(admittedBy, StringComparer.Ordinal);
    }
}
