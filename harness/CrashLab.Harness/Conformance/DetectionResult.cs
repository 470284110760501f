namespace CrashLab.Harness.Conformance;

/// <summary>How one mutant fared: caught or not, after how many crash states, by which rule.</summary>
public sealed record DetectionResult(string Mutant, string Level, string Scenario, bool Caught, int States, TimeSpan Elapsed, string? Rule, string? CaseFile)
{
    /// <summary>The persistence profiles under which the bug showed (the campaign goes on under the others until their budget): a mutant caught only under posix is one ext4 would hide.</summary>
    public IReadOnlyList<string>? CaughtUnder { get; init; }

    public string ToLine()
        => $"{Mutant,-28} {Level}  {Scenario,-28} {(Caught ? "caught" : "MISSED"),-7} crash states to detection {(Caught ? States.ToString(System.Globalization.CultureInfo.InvariantCulture) : $">{States}"),5}  {Elapsed.TotalSeconds,6:0.0}s  {Rule ?? "-"}{(CaughtUnder is { Count: > 0 } under ? $"  ({string.Join(", ", under)})" : "")}";
}
