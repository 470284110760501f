using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>The profile-aware side of the builder: states of a named profile, every state of a kill, and which profiles admit a state.</summary>
public sealed partial class CrashStateBuilder
{
    private const string AfterKill = "arrived after the kill";
    private readonly Dictionary<(int, bool), CrashWindow> _windows = [];

    /// <summary>
    /// The kill's window for a power loss: the durable base, the operations pending at the kill
    /// and the successful syncs, with sectors of <paramref name="sectorSize"/>. Operations that
    /// arrived after the kill are not in it: the power went out at the kill.
    /// </summary>
    public CrashWindow Window(int sectorSize = 512) => Window(sectorSize, keepAll: false);

    /// <summary>
    /// The state a process crash leaves (keep-all), built here and nowhere else: its window also
    /// holds the writes that arrived after the kill (a dead process's dirty shared pages, which the
    /// page cache still writes back), and it keeps every operation, whatever the profile.
    /// </summary>
    public (CrashWindow Window, CrashAssignment State) ProcessCrash(int sectorSize = 512)
    {
        var window = Window(sectorSize, keepAll: true);
        return (window, window.KeepAll());
    }

    /// <summary>A process crash (keep-all) keeps what arrived after the kill; a power loss is cut at the kill instant.</summary>
    private CrashWindow Window(int sectorSize, bool keepAll)
    {
        lock (_windows)
        {
            if (!_windows.TryGetValue((sectorSize, keepAll), out var window))
                _windows[(sectorSize, keepAll)] = window = new CrashWindow(_durable, keepAll ? _pending : _beforeKill, _barriers, sectorSize);
            return window;
        }
    }

    /// <summary>The state a profile chooses for this mode and seed, with its window: a process crash's for keep-all, else the power loss's.</summary>
    private (CrashWindow Window, CrashAssignment State) Planned(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize)
    {
        if (mode == CrashMode.KeepAll)
            return ProcessCrash(sectorSize);
        var window = Window(sectorSize);
        return (window, profile.Compose(window, mode, seed));
    }

    /// <summary>The choice of outcomes that a profile's state of this mode and seed makes (for <see cref="AdmittedBy"/>).</summary>
    public CrashAssignment State(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
        => Planned(profile, mode, seed, sectorSize).State;

    /// <summary>One crash state of a profile, in memory.</summary>
    public FsImage Compose(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
    {
        var (window, state) = Planned(profile, mode, seed, sectorSize);
        return window.Apply(state);
    }

    /// <summary>What a profile's crash state of this mode and seed does with each pending operation; those after the kill say so.</summary>
    public List<OpFate> Explain(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
    {
        var (window, state) = Planned(profile, mode, seed, sectorSize);
        var fates = window.Fates(state);
        var afterKill = AfterKillOperations.ToHashSet();
        for (var i = 0; i < fates.Count; i++)
        {
            if (afterKill.Remove(fates[i].Op))
                fates[i] = fates[i] with { Detail = AfterKill };
        }

        fates.AddRange(afterKill.Order().Select(op => new OpFate(op, "lost", AfterKill + ": a power cut at the kill never saw it")));
        return fates;
    }

    /// <summary>Up to <paramref name="count"/> distinct crash states of a profile, trying seeds from <paramref name="seed"/> on.</summary>
    public List<(ulong Seed, FsImage State)> Distinct(PersistenceProfile profile, int count, CrashMode mode, ulong seed, int sectorSize = 512, int attempts = 0)
    {
        var found = new List<(ulong, FsImage)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0UL; found.Count < count && i < (ulong)(attempts > 0 ? attempts : count * 8); i++)
        {
            var state = Compose(profile, mode, seed + i, sectorSize);
            if (seen.Add(state.Digest()))
                found.Add((seed + i, state));
        }

        return found;
    }

    /// <summary>Every distinct state a profile admits for this kill, up to the bound, or a sample and how many there are.</summary>
    public Enumeration Enumerate(PersistenceProfile profile, EnumerationLimits? limits = null, int sectorSize = 512)
        => CrashEnumerator.Enumerate(profile, Window(sectorSize), limits);

    /// <summary>Every distinct state of the kill under a profile when they are within the bound, else only how many (<see cref="CrashEnumerator.EnumerateIfSmall"/>).</summary>
    public Enumeration EnumerateIfSmall(PersistenceProfile profile, EnumerationLimits? limits = null, int sectorSize = 512)
        => CrashEnumerator.EnumerateIfSmall(profile, Window(sectorSize), limits);

    /// <summary>Which profiles admit a state of this kill, and for a posix-only one, the operations that make it so.</summary>
    public ProfileAdmission AdmittedBy(CrashAssignment state, int sectorSize = 512) => ProfileAdmission.Of(Window(sectorSize), state);

    /// <summary>Which profiles admit the state a profile composes for this mode and seed (posix when none is named).</summary>
    public ProfileAdmission AdmittedBy(CrashMode mode, ulong seed, int sectorSize = 512, PersistenceProfile? composedBy = null)
    {
        var (window, state) = Planned(composedBy ?? KnownProfiles.Posix, mode, seed, sectorSize);
        return ProfileAdmission.Of(window, state);
    }
}
