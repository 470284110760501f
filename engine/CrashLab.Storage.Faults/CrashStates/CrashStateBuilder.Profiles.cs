using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>The profile-aware side of the builder: states of a named profile, every state of a kill, and which profiles admit a state.</summary>
public sealed partial class CrashStateBuilder
{
    private readonly Dictionary<int, CrashWindow> _windows = [];

    /// <summary>The kill's window: the durable base, the pending operations and the successful syncs, with sectors of <paramref name="sectorSize"/>.</summary>
    public CrashWindow Window(int sectorSize = 512)
    {
        lock (_windows)
        {
            if (!_windows.TryGetValue(sectorSize, out var window))
                _windows[sectorSize] = window = new CrashWindow(_durable, _pending, _barriers, sectorSize);
            return window;
        }
    }

    /// <summary>The choice of outcomes that a profile's state of this mode and seed makes (for <see cref="AdmittedBy"/>).</summary>
    public CrashAssignment State(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
        => profile.Compose(Window(sectorSize), mode, seed);

    /// <summary>One crash state of a profile, in memory.</summary>
    public FsImage Compose(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
        => Window(sectorSize).Apply(State(profile, mode, seed, sectorSize));

    /// <summary>What a profile's crash state of this mode and seed does with each pending operation.</summary>
    public List<OpFate> Explain(PersistenceProfile profile, CrashMode mode, ulong seed, int sectorSize = 512)
        => Window(sectorSize).Fates(State(profile, mode, seed, sectorSize));

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

    /// <summary>Which profiles admit a state of this kill, and for a posix-only one, the operations that make it so.</summary>
    public ProfileAdmission AdmittedBy(CrashAssignment state, int sectorSize = 512) => ProfileAdmission.Of(Window(sectorSize), state);

    /// <summary>Which profiles admit the state a profile composes for this mode and seed (posix when none is named).</summary>
    public ProfileAdmission AdmittedBy(CrashMode mode, ulong seed, int sectorSize = 512, PersistenceProfile? composedBy = null)
        => AdmittedBy(State(composedBy ?? KnownProfiles.Posix, mode, seed, sectorSize), sectorSize);
}
