namespace CrashLab.Harness.Campaigns;

/// <summary>The scenarios in a directory (scenarios/*.json), by name.</summary>
public sealed class ScenarioCatalog(IReadOnlyList<Scenario> scenarios)
{
    public IReadOnlyList<Scenario> All { get; } = scenarios;

    public static ScenarioCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new FormatException($"scenario directory {directory} does not exist");
        var scenarios = Directory.GetFiles(directory, "*.json")
            .Select(path => Scenario.Parse(File.ReadAllText(path), Path.GetFileName(path)))
            .OrderBy(s => s.Level, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        var duplicate = scenarios.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
            throw new FormatException($"two scenarios are named {duplicate.Key}");
        return new ScenarioCatalog(scenarios);
    }

    /// <summary>"all", one name, or a comma-separated list.</summary>
    public IReadOnlyList<Scenario> Select(string selection)
    {
        if (selection == "all")
            return All;
        return selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => All.FirstOrDefault(s => s.Name == name)
                ?? throw new FormatException($"unknown scenario '{name}' (crashlab scenarios lists them)"))
            .ToList();
    }

    /// <summary>Scenarios that count towards certification at <paramref name="level"/> (that level and below).</summary>
    public IEnumerable<Scenario> UpTo(string level) => All.Where(s => string.CompareOrdinal(s.Level, level) <= 0);
}
