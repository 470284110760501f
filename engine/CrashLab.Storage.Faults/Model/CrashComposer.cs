using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// Builds one state the posix persistence model allows after a power loss: the durable base plus
/// a seeded choice of what happened to each pending operation. Deterministic from the seed.
/// Other profiles: <see cref="PersistenceProfile.Compose"/> over a <see cref="CrashWindow"/>.
/// </summary>
public static class CrashComposer
{
    /// <param name="fates">If given, receives what became of each pending operation (for reports).</param>
    public static FsImage Compose(FsImage durable, IReadOnlyList<PendingOp> pending, CrashMode mode, ulong seed, int sectorSize, List<OpFate>? fates = null)
    {
        var window = new CrashWindow(durable, pending, [], sectorSize);
        var state = KnownProfiles.Posix.Compose(window, mode, seed);
        fates?.AddRange(window.Fates(state));
        return window.Apply(state);
    }
}
