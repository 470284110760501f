using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>One distinct crash state: the choice that makes it, and its bytes' fingerprint (<see cref="CrashWindow.Fingerprint"/>).</summary>
public sealed record EnumeratedState(CrashWindow Window, CrashAssignment Assignment, string Fingerprint)
{
    /// <summary>Builds the state's image (a full copy: build one at a time, write it out, let it go).</summary>
    public FsImage Compose() => Window.Apply(Assignment);
}

/// <summary>
/// The crash states of one kill under one profile. <see cref="Exhaustive"/>: <see cref="States"/>
/// holds every distinct state the profile admits (deduplicated by the bytes they leave). Else it
/// holds a sample of at most the bound, <see cref="Total"/> says how many there are (an upper
/// estimate when <see cref="TotalIsEstimate"/>), and the report says "checked N of about M".
/// </summary>
public sealed record Enumeration(string Profile, IReadOnlyList<EnumeratedState> States, bool Exhaustive, double Total, bool TotalIsEstimate)
{
    /// <summary>"64 of 64 (exhaustive)", "64 of about 1,024".</summary>
    public string Summary => Exhaustive
        ? $"{States.Count} of {States.Count} (exhaustive)"
        : $"{States.Count} of {Count(Total, TotalIsEstimate)}";

    /// <summary>"1,024", "about 1,024" for an estimate, or "more than 10^15" past what a count can honestly say.</summary>
    public static string Count(double total, bool estimate)
        => !double.IsFinite(total) || total >= 1e15 ? "more than 10^15"
            : $"{(estimate ? "about " : "")}{total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}";
}
