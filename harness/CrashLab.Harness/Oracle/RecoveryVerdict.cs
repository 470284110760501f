namespace CrashLab.Harness.Oracle;

/// <summary>
/// What the <see cref="RecoveryJudge"/> decided about one start: a violation; an honest refusal to
/// start (only where a media fault, read error or full disk explains it); a check that injected
/// read errors cut short (judged again on a clean restart); or a recovery accepted into the model.
/// </summary>
public sealed record RecoveryVerdict(Violation? Violation, RecoveryVerdict.Kind Outcome, bool DurableDataAtRisk)
{
    public enum Kind { Violated, Refused, Unjudged, Accepted }

    public static RecoveryVerdict Violated(Violation violation, bool atRisk = false) => new(violation, Kind.Violated, atRisk);

    /// <summary>An honest refusal; <see cref="Reason"/> keeps what the backend said (its fatal message, or how it exited).</summary>
    public static RecoveryVerdict Refused(string reason) => new(null, Kind.Refused, false) { Reason = reason };

    public string? Reason { get; init; }

    public static RecoveryVerdict Accepted(bool atRisk) => new(null, Kind.Accepted, atRisk);

    public static RecoveryVerdict Unjudged(bool atRisk) => new(null, Kind.Unjudged, atRisk);
}
