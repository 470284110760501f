namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// A tiny seeded generator (SplitMix64) owned by us, so crash states and fault decisions stay
/// the same for a seed across .NET versions; also a stateless hash for per-operation decisions.
/// </summary>
public sealed class SplitMix(ulong seed)
{
    private ulong _state = seed;

    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15);

    /// <summary>Uniform in [0, bound).</summary>
    public int Below(int bound) => bound <= 1 ? 0 : (int)(Next() % (ulong)bound);

    public bool Coin() => (Next() & 1) == 0;

    /// <summary>A decision that depends only on its inputs, not on call order.</summary>
    public static ulong Hash(ulong seed, ulong a, ulong b = 0) => Mix(Mix(seed ^ Mix(a + 0x9E3779B97F4A7C15)) ^ b);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
