namespace CrashLab.Storage.Faults.Profiles;

/// <summary>The persistence profiles CrashLab knows, weakest first.</summary>
public static class KnownProfiles
{
    public static PosixProfile Posix { get; } = new();

    public static Ext4OrderedProfile Ext4Ordered { get; } = new();

    /// <summary>Every profile, weakest first: <see cref="Posix"/> admits every state the others admit.</summary>
    public static IReadOnlyList<PersistenceProfile> All { get; } = [Posix, Ext4Ordered];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    /// <summary>A profile by name; "all" is not one (the caller expands it).</summary>
    public static PersistenceProfile Parse(string name)
        => All.FirstOrDefault(p => p.Name == name)
           ?? throw new FormatException($"unknown persistence profile '{name}' ({string.Join(", ", Names)})");
}
