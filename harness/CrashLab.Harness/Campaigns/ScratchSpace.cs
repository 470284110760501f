namespace CrashLab.Harness.Campaigns;

/// <summary>
/// Where a campaign keeps the data directories it crashes: in memory (/dev/shm) when the machine
/// has a tmpfs there with room, else beside the reports. Sound because the disk plays no part in
/// what is checked: a process kill leaves exactly the writes that completed, on tmpfs as on a disk,
/// and power-loss states are composed from the undo journal, never read back from a disk that lost
/// power. What a disk would add is fsync latency, time during which nothing is checked.
/// CRASHLAB_SCRATCH overrides the choice (a directory, or "out" for beside the reports).
/// </summary>
public static class ScratchSpace
{
    public const string Variable = "CRASHLAB_SCRATCH";

    private const string Memory = "/dev/shm";
    private const string MemoryPrefix = "crashlab-work-";
    private const string OutPrefix = "work-";
    private const long MemoryRoomNeeded = 2L << 30;

    /// <summary>A new work directory's path (not created) for a campaign writing its reports to <paramref name="outDir"/>.</summary>
    public static string NewWorkDirectory(string outDir)
    {
        var (root, prefix) = Root(outDir);
        return Path.Combine(root, $"{prefix}{Environment.ProcessId}-{System.Diagnostics.Stopwatch.GetTimestamp():x}");
    }

    /// <summary>Work directories of campaigns whose process is gone (killed outright): ours to delete, nothing else is.</summary>
    public static void RemoveAbandoned(string outDir)
    {
        foreach (var (root, prefix) in new[] { (outDir, OutPrefix), Root(outDir) }.Distinct())
        {
            if (!Directory.Exists(root))
                continue;
            foreach (var dir in Directory.GetDirectories(root, prefix + "*"))
            {
                var parts = Path.GetFileName(dir)[prefix.Length..].Split('-');
                if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && !Directory.Exists($"/proc/{pid}"))
                    Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static (string Root, string Prefix) Root(string outDir)
    {
        var chosen = Environment.GetEnvironmentVariable(Variable);
        if (chosen is { Length: > 0 } && chosen != "out")
            return (chosen, MemoryPrefix);
        return chosen != "out" && MemoryHasRoom() ? (Memory, MemoryPrefix) : (outDir, OutPrefix);
    }

    private static bool MemoryHasRoom()
    {
        try
        {
            var drive = new DriveInfo(Memory);
            return drive.DriveFormat == "tmpfs" && drive.AvailableFreeSpace >= MemoryRoomNeeded;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
