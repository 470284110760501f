namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// One crash state as a choice: an outcome for each pending operation of a <see cref="CrashWindow"/>,
/// in the window's order. Equal when every outcome is.
/// </summary>
public sealed class CrashAssignment(IReadOnlyList<OpOutcome> outcomes) : IEquatable<CrashAssignment>
{
    public IReadOnlyList<OpOutcome> Outcomes { get; } = outcomes;

    public OpOutcome this[int index] => Outcomes[index];

    public int Count => Outcomes.Count;

    public CrashAssignment With(int index, OpOutcome outcome)
    {
        var copy = Outcomes.ToArray();
        copy[index] = outcome;
        return new CrashAssignment(copy);
    }

    public bool Equals(CrashAssignment? other) => other != null && Outcomes.SequenceEqual(other.Outcomes);

    public override bool Equals(object? obj) => Equals(obj as CrashAssignment);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var outcome in Outcomes)
            hash.Add(outcome);
        return hash.ToHashCode();
    }
}
