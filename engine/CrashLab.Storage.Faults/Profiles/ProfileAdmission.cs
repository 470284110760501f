namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// Which profiles admit one crash state, and why each other one does not. A profile admits the
/// state when it can leave the same bytes: the same choice of outcomes, or a nearby one it
/// allows (a create that ext4 committed counts as kept when the bytes show no difference).
/// </summary>
public sealed record ProfileAdmission(IReadOnlyList<string> AdmittedBy, IReadOnlyDictionary<string, string> RejectedBecause)
{
    /// <summary>Only the weakest profile admits the state: a finding in it does not bite on ext4.</summary>
    public bool PosixOnly => AdmittedBy.Count == 1 && AdmittedBy[0] == KnownProfiles.Posix.Name && RejectedBecause.Count > 0;

    /// <summary>For a posix-only state, the sentence that says which operations make it so; else null.</summary>
    public string? PosixOnlyBecause => PosixOnly && RejectedBecause.TryGetValue(KnownProfiles.Ext4Ordered.Name, out var why) ? why : null;

    /// <summary>Judges a state of <paramref name="window"/> under each profile (all of them by default).</summary>
    /// <param name="fingerprint">The state's <see cref="CrashWindow.Fingerprint"/> when the caller has it already (an enumerated state): hashing it again is the costly part.</param>
    public static ProfileAdmission Of(CrashWindow window, CrashAssignment state, IEnumerable<PersistenceProfile>? profiles = null, string? fingerprint = null)
    {
        var admitted = new List<string>();
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        var digest = fingerprint;
        foreach (var profile in profiles ?? KnownProfiles.All)
        {
            var objections = profile.Objections(window, state);
            if (objections.Count == 0 || SameBytesAdmitted(profile, window, state, digest ??= window.Fingerprint(state)))
                admitted.Add(profile.Name);
            else
                rejected[profile.Name] = objections[0];
        }

        return new ProfileAdmission(admitted, rejected);
    }

    private static bool SameBytesAdmitted(PersistenceProfile profile, CrashWindow window, CrashAssignment state, string digest)
        => profile.Repairs(window, state).Any(r => profile.Admits(window, r) && window.Fingerprint(r) == digest);
}
