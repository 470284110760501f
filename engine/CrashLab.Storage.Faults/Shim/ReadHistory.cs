using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>
/// The reads each file has had, by its path inside the data directory: which occurrence of a
/// byte's read this one is, and whether a targeted read_eio rule names it (<see cref="ReadTarget"/>).
/// Counted per path, not per name: a backend may keep files of one name in two directories
/// (wal/000001.log and index/000001.log), and a replay must strike the read the original struck.
/// Kept only under a plan with read_eio rules (a crash state's recovery), whose reads are few;
/// reads run concurrently.
/// </summary>
internal sealed class ReadHistory(FaultPlan plan, string root)
{
    private readonly ReadTarget[] _targets = [.. plan.Faults.Where(f => f.Kind == FaultKind.ReadEio).SelectMany(f => f.Reads ?? [])];
    private readonly Dictionary<string, List<(long Offset, int Length)>> _byFile = new(StringComparer.Ordinal);

    /// <param name="root">The data directory: a read's file is named by its path relative to it.</param>
    public static ReadHistory? For(FaultPlan plan, string root) => plan.Faults.Any(f => f.Kind == FaultKind.ReadEio) ? new ReadHistory(plan, root) : null;

    /// <summary>
    /// Counts a read and says whether it fails: <paramref name="drawn"/> (a rule struck its
    /// number), or a targeted rule names it. A failing read comes back as the target that names
    /// it (its occurrence is that of its first byte); the occurrences are counted only then, so a
    /// long recovery does not pay for them on every read.
    /// </summary>
    public ReadTarget? Strikes(string path, long offset, int length, bool drawn)
    {
        var name = ReadTarget.FileOf(root, path);
        lock (_byFile)
        {
            if (!_byFile.TryGetValue(name, out var earlier))
                _byFile[name] = earlier = [];
            var struck = drawn || _targets.Any(t => t.Covers(name, offset, length) && OccurrenceOf(earlier, t.Offset) == t.Occurrence);
            var read = struck ? new ReadTarget { File = name, Offset = offset, Length = length, Occurrence = OccurrenceOf(earlier, offset) } : null;
            earlier.Add((offset, length));
            return read;
        }
    }

    /// <summary>1 + how many earlier reads of the file covered this byte.</summary>
    private static int OccurrenceOf(List<(long Offset, int Length)> earlier, long at)
        => 1 + earlier.Count(r => at >= r.Offset && at < r.Offset + r.Length);
}
