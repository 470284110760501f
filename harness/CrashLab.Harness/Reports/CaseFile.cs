using System.Text.Json;
using System.Text.Json.Serialization;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Reports;

/// <summary>
/// One failure, self-contained: the backend, the scenario and seeds, the data directory as the
/// kill left it (before the failing start), the oracle's model at that point, the violation, and
/// the backend's stderr. `crashlab replay` restores the directory and judges the recovery again.
/// </summary>
public sealed record CaseFile
{
    public const string Schema = "crashlab-case/1";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    [JsonPropertyName("schema")]
    public string SchemaVersion { get; init; } = Schema;

    // The order is the file's order: what a person reads first comes first, the bulk (the data
    // directory) last. docs/case-files.md gives every field's meaning.

    /// <summary>What happened, in one paragraph (the same sentence as report.html); written with the case, not read back.</summary>
    public string? Summary { get; init; }

    public Violation Violation { get; init; } = new("", "");

    /// <summary>As given on the command line: "reference", "mutant:x", or the --backend-cmd string.</summary>
    public string Backend { get; init; } = "";

    public bool BackendIsCommand { get; init; }

    /// <summary>A --backend-cmd's working directory: its relative paths ("node wal.js") are found there when the case is replayed from elsewhere.</summary>
    public string? BackendDirectory { get; init; }

    /// <summary>What the backend claimed in the ready event of the failing start (null if it never said ready).</summary>
    public ReadyEvent? Ready { get; init; }

    /// <summary>"fuse": the backend ran on a FUSE mount of the shim, and replay and shrink mount it again.</summary>
    public string? Fs { get; init; }

    /// <summary>"recovery": the violation was found checking a restart; "run": during the load; "power-loss": recovering a crash state.</summary>
    public string Stage { get; init; } = "recovery";

    public ulong CampaignSeed { get; init; }

    public ulong ChainSeed { get; init; }

    public int Cycle { get; init; }

    /// <summary>White-box cases that failed in a crash state: the kill and the latest file-system operations with their fates.</summary>
    public Timeline? Timeline { get; init; }

    /// <summary>
    /// The requests of the run whose kill led here, with when and how each was answered: for
    /// black-box cases, and for a shrunk case (its own run; the script it replays stays in
    /// <see cref="WhiteBox"/>). Other white-box cases keep them in <see cref="WhiteBox"/> only.
    /// </summary>
    public List<Workload.RecordedRequest>? Transcript { get; init; }

    /// <summary>The failing run's requests, wherever the case keeps them.</summary>
    [JsonIgnore]
    public List<Workload.RecordedRequest>? Requests => Transcript ?? WhiteBox?.Requests;

    /// <summary>White-box cases: the run to execute again (plan with its crash point, the request transcript, the failing crash state).</summary>
    public WhiteBox.WhiteBoxInput? WhiteBox { get; init; }

    public string? Stderr { get; init; }

    /// <summary>The oracle's model before the failing run (what had been acknowledged in the chain so far).</summary>
    public ChainModelState? Model { get; init; }

    public Scenario Scenario { get; init; } = new();

    /// <summary>Files of the data directory (relative path, base64) as they were before the failing start.</summary>
    public Dictionary<string, string> DataDirectory { get; init; } = [];

    public void Restore(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (path, content) in DataDirectory)
        {
            var full = Path.GetFullPath(Path.Combine(directory, path));
            if (!full.StartsWith(Path.GetFullPath(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new FormatException($"case file names a path outside its data directory: {path}");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, Convert.FromBase64String(content));
        }
    }

    public static CaseFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{path} cannot be read: {e.Message}", e);
        }

        // Say what the file is instead, in words: never a .NET type name.
        var schema = SchemaOf(text);
        if (schema == ReportWriter.ReportSchema)
            throw new FormatException($"{path} is a campaign report, not a case file: replay one of the case files it names (in its cases/ directory)");
        if (schema != Schema)
            throw new FormatException($"{path} is not a CrashLab case file (expected \"schema\": \"{Schema}\"{(schema != null ? $", found \"{schema}\"" : "")})");
        try
        {
            return JsonSerializer.Deserialize<CaseFile>(text, Json) ?? throw new FormatException("empty");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            var where = (e as JsonException)?.Path is { } jsonPath ? $" at {jsonPath}" : "";
            throw new FormatException($"{path} is a damaged case file: a field{where} does not hold what a case file holds there", e);
        }
    }

    private static string? SchemaOf(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
