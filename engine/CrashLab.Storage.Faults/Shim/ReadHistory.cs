using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>
/// The reads each file has had, by file name: which occurrence of a byte's read this one is, and
/// whether a targeted read_eio rule names it (<see cref="ReadTarget"/>). Kept only under a plan
/// with read_eio rules (a crash state's recovery), whose reads are few; reads run concurrently.
/// </summary>
internal sealed class ReadHistory(FaultPlan plan)
{
    private readonly ReadTarget[] _targets = [.. plan.Faults.Where(f => f.Kind == FaultKind.ReadEio).SelectMany(f => f.Reads ?? [])];
    private readonly Dictionary<string, List<(long Offset, int Length)>> _byFile = new(StringComparer.Ordinal);

    public static ReadHistory? For(FaultPlan plan) => plan.Faults.Any(f => f.Kind == FaultKind.ReadEio) ? new ReadHistory(plan) : null;

    /// <summary>Counts a read; returns the target that describes it (its occurrence is that of its first byte) and whether a targeted rule strikes it.</summary>
    public (ReadTarget Read, bool Targeted) Add(string path, long offset, int length)
    {
        var name = Path.GetFileName(path);
        lock (_byFile)
        {
            if (!_byFile.TryGetValue(name, out var earlier))
                _byFile[name] = earlier = [];
            var targeted = _targets.Any(t => t.Covers(name, offset, length) && OccurrenceOf(earlier, t.Offset) == t.Occurrence);
            var read = new ReadTarget { File = name, Offset = offset, Length = length, Occurrence = OccurrenceOf(earlier, offset) };
            earlier.Add((offset, length));
            return (read, targeted);
        }
    }

    /// <summary>1 + how many earlier reads of the file covered this byte.</summary>
    private static int OccurrenceOf(List<(long Offset, int Length)> earlier, long at)
        => 1 + earlier.Count(r => at >= r.Offset && at < r.Offset + r.Length);
}
