using System.Text.Json;

namespace CrashLab.Storage.Faults.Plans;

/// <summary>
/// A serialisable, versioned, seeded description of the faults of one run: the same plan over
/// the same workload injects the same faults at the same operations.
/// </summary>
public sealed record FaultPlan
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    public ulong Seed { get; set; }

    /// <summary>Atomic unit of a write at power loss: 512 (default) or 4096.</summary>
    public int SectorSize { get; set; } = 512;

    public FaultRule[] Faults { get; set; } = [];

    public CrashPoint? Crash { get; set; }

    /// <summary>No fault and no crash point (a new plan each time: plans have setters, see <see cref="FaultPlanJson"/>).</summary>
    public static FaultPlan None => new();

    public string ToJson() => JsonSerializer.Serialize(this, FaultPlanJson.Default.FaultPlan);

    /// <summary>Parses and validates; <see cref="FormatException"/> with a sentence for a person on any problem.</summary>
    public static FaultPlan Parse(string json)
    {
        FaultPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize(json, FaultPlanJson.Default.FaultPlan);
        }
        catch (JsonException e)
        {
            throw new FormatException($"fault plan is not valid: {e.Message}", e);
        }

        if (plan == null)
            throw new FormatException("fault plan is empty (null)");
        plan.Validate();
        return plan;
    }

    public static FaultPlan Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read fault plan {path}: {e.Message}", e);
        }

        return Parse(text);
    }

    public void Validate()
    {
        Require(Version == CurrentVersion, $"fault plan version {Version} is not supported (this shim reads version {CurrentVersion})");
        Require(SectorSize is 512 or 4096, $"sector_size must be 512 or 4096, not {SectorSize}");
        for (var i = 0; i < Faults.Length; i++)
        {
            var rule = Faults[i];
            var where = $"faults[{i}] ({rule.Kind.ToString().ToLowerInvariant()})";
            Require(rule.OneIn >= 0, $"{where}: one_in must be 0 or more");
            Require(rule.Ops.All(op => op > 0), $"{where}: ops must be positive operation numbers");
            Require(rule.FromOp >= 0 && (rule.UntilOp == 0 || rule.UntilOp > rule.FromOp), $"{where}: the window from_op..until_op is empty");
            Require(!string.IsNullOrEmpty(rule.Path), $"{where}: path must be a file-name pattern such as * or *.wal");
            Require(rule.Kind != FaultKind.Enospc || rule.QuotaBytes >= 0, $"{where}: quota_bytes must be 0 or more");
            Require(rule.Kind == FaultKind.Enospc || rule.OneIn > 0 || rule.Ops.Length > 0 || rule.Reads is { Length: > 0 }, $"{where}: give ops or one_in, or it never strikes");
            Require(rule.Reads == null || rule.Kind == FaultKind.ReadEio, $"{where}: reads names reads to strike, only for read_eio");
            foreach (var read in rule.Reads ?? [])
                Require(read.File.Length > 0 && read.Offset >= 0 && read.Occurrence >= 1, $"{where}: a read needs a file name, an offset of 0 or more and an occurrence of 1 or more");
            Require(rule.Bits is >= 1 and <= 64, $"{where}: bits must be 1..64");
            Require(rule.MaxSectors >= 1, $"{where}: max_sectors must be at least 1");
            Require(rule.AfterBytes >= 0, $"{where}: after_bytes must be 0 or more");
        }

        if (Crash is { } crash)
        {
            Require(crash.AtOp >= 1, "crash.at_op must be a positive operation number");
            Require(crash.PerformBytes is null or >= 0, "crash.perform_bytes must be 0 or more");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new FormatException(message);
    }
}
