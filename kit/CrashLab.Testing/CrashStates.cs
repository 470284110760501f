using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Testing;

/// <summary>
/// Which crash states a test checks besides the workload's own power losses: before every
/// <see cref="EveryNthOperation"/>-th storage operation the log issues, one state per mode and
/// seed. Each state is recovered in memory and judged on its own; the run itself goes on.
/// </summary>
public sealed record CrashStates
{
    /// <summary>The power-loss modes: drop every unsynced operation, keep a prefix of them (the last torn), keep any subset (writes torn by sector).</summary>
    public IReadOnlyList<CrashMode> Modes { get; init; } = CrashModes.PowerLoss;

    /// <summary>States per mode at each crash point (modes that choose at random differ by seed).</summary>
    public int SeedsPerMode { get; init; } = 1;

    /// <summary>1 checks a crash before every operation; N every N-th.</summary>
    public int EveryNthOperation { get; init; } = 1;

    /// <summary>The atomic unit of a write at power loss: 512 or 4096.</summary>
    public int SectorSize { get; init; } = 512;

    /// <summary>What the file system lets survive a power loss: posix (the weakest, the default) or ext4-ordered (<see cref="KnownProfiles"/>).</summary>
    public PersistenceProfile Profile { get; init; } = KnownProfiles.Posix;

    /// <summary>
    /// Instead of one state per mode and seed: every distinct state <see cref="Profile"/> admits at
    /// each crash point, up to <see cref="Limits"/> (beyond them, a sample).
    /// </summary>
    public bool Exhaustive { get; init; }

    public EnumerationLimits Limits { get; init; } = EnumerationLimits.Default;

    /// <summary>Every state the profile admits before every operation (ext4-ordered, say: <c>CrashStates.Every(KnownProfiles.Ext4Ordered)</c>).</summary>
    public static CrashStates Every(PersistenceProfile profile) => new() { Profile = profile, Exhaustive = true };

    /// <summary>A power loss before every storage operation, in each mode (the default).</summary>
    public static CrashStates AtEveryOperation { get; } = new();

    /// <summary>No extra states: only the workload's own power losses are checked.</summary>
    public static CrashStates OnlyTheWorkloadsPowerLosses { get; } = new() { EveryNthOperation = 0 };

    internal void Validate()
    {
        if (Modes.Count == 0 || SeedsPerMode < 1 || EveryNthOperation < 0 || SectorSize is not (512 or 4096))
            throw new ArgumentException("crash states need at least one mode, SeedsPerMode >= 1, EveryNthOperation >= 0 and SectorSize 512 or 4096");
    }
}
