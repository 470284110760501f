namespace CrashLab.Harness.Oracle;

/// <summary>A broken rule of fault-model.md §4 (or of the protocol), with what is needed to understand it.</summary>
public sealed record Violation(string Rule, string Message)
{
    public long? Lsn { get; init; }

    /// <summary>The bytes the harness expected there, abbreviated (hex).</summary>
    public string? Expected { get; init; }

    /// <summary>The bytes the backend returned, abbreviated (hex).</summary>
    public string? Actual { get; init; }

    public override string ToString() => $"rule {Rule}: {Message}";

    public static string Abbreviate(ReadOnlySpan<byte> bytes)
        => bytes.Length <= 24
            ? Convert.ToHexString(bytes)
            : $"{Convert.ToHexString(bytes[..16])}..{Convert.ToHexString(bytes[^8..])} ({bytes.Length} bytes)";
}

public static class Rules
{
    public const string Contiguity = "1-contiguity";
    public const string TruncationBound = "2-truncation-bound";
    public const string Prefix = "3-prefix";
    public const string Durability = "4-durability";
    public const string SilentCorruption = "5-no-silent-corruption";
    public const string Liveness = "6-liveness";
    public const string FalseAlarm = "7-no-false-alarm";
    public const string Protocol = "protocol";
}
