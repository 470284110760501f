using System.Text.Json;
using System.Text.Json.Serialization;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// A named conformance scenario: the load, the crash model, the faults, the certification level
/// it belongs to and its default budget. Loaded from scenarios/*.json.
/// </summary>
public sealed record Scenario
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        WriteIndented = true,
    };

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>L1..L4: the certification level this scenario belongs to.</summary>
    public string Level { get; init; } = "L1";

    public CrashModel CrashModel { get; init; } = CrashModel.Process;

    public WorkloadProfile Workload { get; init; } = WorkloadProfile.Default;

    /// <summary>Share of cycles whose kill lands during recovery (before the check).</summary>
    public double KillDuringRecoveryShare { get; init; } = 0.1;

    /// <summary>Share of kills after which bits are flipped in the data directory (a media fault at rest).</summary>
    public double BitFlipAtRestShare { get; init; }

    /// <summary>
    /// Faults of every white-box run, as fault-plan rules (fault-model.md §3). An enospc quota is
    /// headroom above the data directory's size when the run starts. read_eio rules strike the
    /// recovery of each crash state. The plan's seed comes from the chain.
    /// </summary>
    public Storage.Faults.Plans.FaultRule[] Faults { get; init; } = [];

    /// <summary>Power loss: the crash-state modes to build after each kill (drop-all, random-subset, prefix).</summary>
    public string[] CrashModes { get; init; } = ["drop-all", "random-subset", "prefix"];

    /// <summary>Power loss: atomic write units to tear at.</summary>
    public int[] SectorSizes { get; init; } = [512, 4096];

    /// <summary>Power loss: distinct crash states checked after each kill (at most; a kill with little pending gives fewer).</summary>
    public int StatesPerKill { get; init; } = 6;

    /// <summary>Power loss: share of runs that end at a crash point (the rest end with a timed kill).</summary>
    public double CrashPointShare { get; init; } = 0.5;

    /// <summary>Load-and-kill cycles of one chain (one data directory) before the next chain starts with a fresh seed.</summary>
    public int ChainCycles { get; init; } = 12;

    /// <summary>Crash states the scenario checks by default (certification budget).</summary>
    public int Budget { get; init; } = 100;

    /// <summary>Needs the shim (white-box backends only).</summary>
    public bool NeedsShim => CrashModel != CrashModel.Process;

    public static Scenario Parse(string json, string source)
    {
        try
        {
            var scenario = JsonSerializer.Deserialize<Scenario>(json, Json) ?? throw new FormatException("empty");
            if (string.IsNullOrWhiteSpace(scenario.Name) || scenario.Level is not ("L1" or "L2" or "L3" or "L4") || scenario.Budget < 1 || scenario.ChainCycles < 1)
                throw new FormatException("needs a name, a level L1..L4, a positive budget and positive chain_cycles");
            return scenario;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"scenario {source}: {e.Message}", e);
        }
    }
}

/// <summary>What a kill does to storage; spelled "process" and "power-loss" everywhere (files, output, docs).</summary>
public enum CrashModel
{
    /// <summary>SIGKILL; the OS keeps every completed write.</summary>
    [JsonStringEnumMemberName("process")]
    Process,

    /// <summary>SIGKILL, then a crash state from the shim's journal (white-box).</summary>
    [JsonStringEnumMemberName("power-loss")]
    PowerLoss,
}
