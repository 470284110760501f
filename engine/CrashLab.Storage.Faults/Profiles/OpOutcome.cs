using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>What a crash state does with one pending operation.</summary>
public enum OutcomeKind
{
    Lost,
    Kept,

    /// <summary>A write that survived in part: some of its sectors, or its size growth without all its bytes.</summary>
    Torn,
}

/// <summary>
/// The fate of one pending operation in a crash state. A name or size operation is kept or lost.
/// A write keeps a set of its sectors (0 = the sector holding its first byte; each sector is
/// atomic), and the file grows to cover every kept sector; <see cref="SizeEnd"/> says when the
/// write's size growth reached further than its kept bytes (zeros in the rest). Values are in a
/// canonical form, so two outcomes that leave the same bytes by the same means are equal.
/// </summary>
public sealed class OpOutcome : IEquatable<OpOutcome>
{
    private OpOutcome(bool survives, int[] sectors, long? sizeEnd)
    {
        Survives = survives;
        Sectors = sectors;
        SizeEnd = sizeEnd;
    }

    public static OpOutcome Lost { get; } = new(false, [], null);

    /// <summary>A name or size operation that survived.</summary>
    public static OpOutcome Kept { get; } = new(true, [], null);

    /// <summary>Anything of the operation survived.</summary>
    public bool Survives { get; }

    /// <summary>For a write: the sectors that reached the disk, ascending.</summary>
    public IReadOnlyList<int> Sectors { get; }

    /// <summary>For a write: how far the file grew past what its kept sectors cover (null: no further).</summary>
    public long? SizeEnd { get; }

    /// <summary>The whole operation survived.</summary>
    public static OpOutcome Whole(PendingOp op, int sectorSize)
        => op is WriteOp write ? Write(write, Enumerable.Range(0, write.Sectors(sectorSize)), null, sectorSize) : Kept;

    /// <summary>A write's outcome, put in canonical form: a size end that its kept sectors (or the file's old length) already cover is dropped.</summary>
    public static OpOutcome Write(WriteOp write, IEnumerable<int> sectors, long? sizeEnd, int sectorSize)
    {
        var kept = sectors.Distinct().Order().ToArray();
        var covered = Math.Max(write.OldLength, kept.Length == 0 ? 0 : write.SectorRange(kept[^1], sectorSize).End);
        var end = sizeEnd is { } e && Math.Min(e, write.End) > covered ? Math.Min(e, write.End) : (long?)null;
        return new OpOutcome(kept.Length > 0 || end != null, kept, end);
    }

    public OutcomeKind Kind(PendingOp op, int sectorSize)
    {
        if (op is not WriteOp write)
            return Survives ? OutcomeKind.Kept : OutcomeKind.Lost;
        if (!Survives)
            return OutcomeKind.Lost;
        return Sectors.Count == write.Sectors(sectorSize) ? OutcomeKind.Kept : OutcomeKind.Torn;
    }

    /// <summary>The file end this write leaves at least (its kept sectors or its size growth), or 0 when it grew nothing.</summary>
    public long ReachedEnd(WriteOp write, int sectorSize)
    {
        var kept = Sectors.Count == 0 ? 0 : write.SectorRange(Sectors[^1], sectorSize).End;
        var end = Math.Max(kept, SizeEnd ?? 0);
        return end > write.OldLength ? end : 0;
    }

    /// <summary>Applies the outcome of <paramref name="window"/>'s pending operation <paramref name="index"/> to an image (the operations before it already applied).</summary>
    public void Apply(CrashWindow window, int index, FsImage image)
    {
        var op = window.Pending[index];
        if (op is not WriteOp write)
        {
            if (Survives)
                op.Apply(image);
            return;
        }

        write.ApplySectors(image, Sectors, window.SectorSize, sector => window.Pages.Of(index, sector));
        var data = image.Data(write.Inode!.Value);
        if (SizeEnd is { } end && data.Length < end)
            data.SetLength(end);
    }

    /// <summary>Plain words for a report: null when kept or lost whole.</summary>
    public string? Detail(PendingOp op, int sectorSize)
    {
        if (op is not WriteOp write || Kind(op, sectorSize) != OutcomeKind.Torn)
            return null;
        var total = write.Sectors(sectorSize);
        var sectors = Sectors.Count == 0 ? $"kept none of its {total} sectors ({sectorSize} B)"
            : Sectors[^1] == Sectors.Count - 1 ? $"kept the first {Sectors.Count} of {total} sectors ({sectorSize} B)"
            : $"kept {Bytes(write, Sectors, sectorSize)} and lost {Bytes(write, Enumerable.Range(0, total).Except(Sectors), sectorSize)}, in whole {sectorSize} B sectors";
        return SizeEnd is { } end ? $"{sectors}; the file grew to {end} B (zeros where nothing was written)" : sectors;
    }

    /// <summary>
    /// The file bytes of some of a write's sectors, runs of neighbours joined: "bytes 2149888–2150399",
    /// "bytes 0–511 and 1024–1535". Numbers a reader can find in the file, where "sectors 1 of 2"
    /// reads as a count and leaves unsaid that sectors are counted from the disk's, not the write's, start.
    /// </summary>
    private static string Bytes(WriteOp write, IEnumerable<int> sectors, int sectorSize)
    {
        var runs = new List<(long Start, long End)>();
        foreach (var (start, end) in sectors.Order().Select(s => write.SectorRange(s, sectorSize)))
        {
            if (runs.Count > 0 && runs[^1].End == start)
                runs[^1] = (runs[^1].Start, end);
            else
                runs.Add((start, end));
        }

        var ranges = runs.Select(r => r.End - r.Start == 1 ? $"{r.Start}" : $"{r.Start}–{r.End - 1}").ToList();
        var list = ranges.Count == 1 ? ranges[0] : $"{string.Join(", ", ranges[..^1])} and {ranges[^1]}";
        return $"{(runs.Sum(r => r.End - r.Start) == 1 ? "byte" : "bytes")} {list}";
    }

    public bool Equals(OpOutcome? other)
        => other != null && Survives == other.Survives && SizeEnd == other.SizeEnd && Sectors.SequenceEqual(other.Sectors);

    public override bool Equals(object? obj) => Equals(obj as OpOutcome);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Survives);
        hash.Add(SizeEnd);
        foreach (var sector in Sectors)
            hash.Add(sector);
        return hash.ToHashCode();
    }
}
