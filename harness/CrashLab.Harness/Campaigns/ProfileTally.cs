namespace CrashLab.Harness.Campaigns;

/// <summary>
/// What one persistence profile's verdict on a scenario rests on: the crash states it admits that
/// were checked (a state both profiles admit counts for both), those that put acknowledged
/// durable data at risk, and the power-loss kills, with how many of them had every state the
/// profile admits checked (exhaustive) and, for the rest, how many of about how many were checked.
/// </summary>
public sealed class ProfileTally(string profile, ProfileTally? parent = null)
{
    private int _states;
    private int _atRisk;
    private int _kills;
    private int _exhaustiveKills;
    private int _sampledStates;
    private double _sampledTotal;
    private readonly Lock _gate = new();

    public string Profile { get; } = profile;

    public int States => Volatile.Read(ref _states);

    public int StatesAtRisk => Volatile.Read(ref _atRisk);

    /// <summary>Power-loss kills whose states this profile's verdict judged.</summary>
    public int Kills => Volatile.Read(ref _kills);

    /// <summary>Of <see cref="Kills"/>, those whose every distinct state under this profile was checked.</summary>
    public int ExhaustiveKills => Volatile.Read(ref _exhaustiveKills);

    /// <summary>States checked in the kills that were sampled, not exhausted.</summary>
    public int SampledStates => Volatile.Read(ref _sampledStates);

    /// <summary>About how many distinct states those sampled kills had in all (an upper estimate).</summary>
    public double SampledTotal
    {
        get
        {
            lock (_gate)
                return _sampledTotal;
        }
    }

    public void StateChecked(bool durableDataAtRisk)
    {
        Interlocked.Increment(ref _states);
        if (durableDataAtRisk)
            Interlocked.Increment(ref _atRisk);
        parent?.StateChecked(durableDataAtRisk);
    }

    /// <summary>A power-loss kill judged under this profile: exhaustive, or <paramref name="checkedStates"/> of about <paramref name="total"/>.</summary>
    public void Kill(bool exhaustive, int checkedStates, double total)
    {
        Interlocked.Increment(ref _kills);
        if (exhaustive)
        {
            Interlocked.Increment(ref _exhaustiveKills);
        }
        else
        {
            Interlocked.Add(ref _sampledStates, checkedStates);
            lock (_gate)
                _sampledTotal += double.IsFinite(total) ? total : 0;
        }

        parent?.Kill(exhaustive, checkedStates, total);
    }

    /// <summary>Adds counts taken elsewhere (a merged shard's).</summary>
    public void Add(int states, int atRisk, int kills, int exhaustiveKills, int sampledStates, double sampledTotal)
    {
        Interlocked.Add(ref _states, states);
        Interlocked.Add(ref _atRisk, atRisk);
        Interlocked.Add(ref _kills, kills);
        Interlocked.Add(ref _exhaustiveKills, exhaustiveKills);
        Interlocked.Add(ref _sampledStates, sampledStates);
        lock (_gate)
            _sampledTotal += sampledTotal;
    }

    /// <summary>"12 of 14 kills exhaustive", or null when no power-loss kill was judged.</summary>
    public string? ExhaustiveShare => Kills == 0 ? null
        : $"{ExhaustiveKills} of {Kills} kills exhaustive{(SampledStates > 0 ? $", the others sampled: {SampledStates} of {Storage.Faults.Profiles.Enumeration.Count(SampledTotal, estimate: true)} states" : "")}";
}
