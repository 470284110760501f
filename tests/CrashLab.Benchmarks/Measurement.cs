using System.Text.Json.Serialization;

namespace CrashLab.Benchmarks;

/// <summary>One row of the benchmark's JSON output.</summary>
internal sealed record Measurement(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("writers")] int Writers,
    [property: JsonPropertyName("record_bytes")] int RecordBytes,
    [property: JsonPropertyName("ops_per_sec")] double OpsPerSec,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("ratio_to")] string? RatioTo = null,
    [property: JsonPropertyName("note")] string? Note = null);
