namespace CrashLab.Storage.Faults.Model;

/// <summary>What a crash does to a non-durable operation.</summary>
public enum Fate
{
    /// <summary>Not decided by the persistence rules: the crash mode chooses.</summary>
    Free,

    /// <summary>A write whose fsync failed (Linux marks the pages clean): lost at any power loss.</summary>
    Lost,

    /// <summary>Made durable after a doomed write on the same inode; kept listed so undo stays exact.</summary>
    Kept,
}

/// <summary>A mutating operation not (yet) durable. Paths are root-relative, '/'-separated.</summary>
public abstract class PendingOp(long sequence)
{
    public long Sequence { get; } = sequence;

    public Fate Fate { get; set; }

    /// <summary>The inode whose data or size this changes, or null for a directory operation.</summary>
    public virtual long? Inode => null;

    /// <summary>The directory whose fsync makes this durable, or null for a data operation.</summary>
    public virtual string? Directory => null;

    public abstract void Apply(FsImage image);

    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }
}

public sealed class WriteOp(long sequence, long inode, long offset, int length) : PendingOp(sequence)
{
    public override long? Inode => inode;

    public long Offset { get; } = offset;

    public int Length { get; } = length;

    /// <summary>The bytes written; known at once on the simulated disk, recovered by the undo pass from a journal.</summary>
    public byte[] Data { get; set; } = [];

    public override void Apply(FsImage image) => image.Data(inode).Write(Offset, Data);

    /// <summary>Applies an arbitrary subset of the write's sectors (each sector is atomic).</summary>
    /// <returns>The sectors of the write (0 = its first) that reached the disk.</returns>
    public List<int> ApplyTorn(FsImage image, int sectorSize, SplitMix random)
    {
        var data = image.Data(inode);
        var kept = new List<int>();
        for (var (at, sector) = (Offset, 0); at < Offset + Data.Length; sector++)
        {
            var end = Math.Min(Offset + Data.Length, (at / sectorSize + 1) * sectorSize);
            if (random.Coin())
            {
                data.Write(at, Data.AsSpan((int)(at - Offset), (int)(end - at)));
                kept.Add(sector);
            }

            at = end;
        }

        return kept;
    }

    /// <summary>How many sectors of <paramref name="sectorSize"/> the write touches.</summary>
    public int Sectors(int sectorSize) => (int)((Offset + Length + sectorSize - 1) / sectorSize - Offset / sectorSize);

    /// <summary>
    /// Applies the write's first sectors only, up to a cut strictly inside it: the disk wrote in
    /// order and the power went mid-write (one sector: kept or lost whole).
    /// </summary>
    /// <returns>How many of its first sectors reached the disk.</returns>
    public int ApplyTornPrefix(FsImage image, int sectorSize, SplitMix random)
    {
        var firstSector = Offset / sectorSize;
        var sectors = (int)((Offset + Data.Length + sectorSize - 1) / sectorSize - firstSector);
        var keep = sectors < 2 ? (random.Coin() ? sectors : 0) : 1 + random.Below(sectors - 1);
        var end = Math.Min(Offset + Data.Length, (firstSector + keep) * sectorSize);
        if (end > Offset)
            image.Data(inode).Write(Offset, Data.AsSpan(0, (int)(end - Offset)));
        return keep;
    }
}

public sealed class SetLengthOp(long sequence, long inode, long length) : PendingOp(sequence)
{
    public override long? Inode => inode;

    public long Length { get; } = length;

    public override void Apply(FsImage image) => image.Data(inode).SetLength(Length);
}

public sealed class CreateOp(long sequence, string path, long inode) : PendingOp(sequence)
{
    public override string? Directory => ParentOf(Path);

    public string Path { get; } = path;

    public long CreatedInode { get; } = inode;

    public override void Apply(FsImage image)
    {
        image.Entries[Path] = CreatedInode;
        image.Data(CreatedInode);
    }
}

/// <summary>Atomic rename; durable after an fsync of the destination directory.</summary>
public sealed class RenameOp(long sequence, string from, string to, long inode, long? replaced) : PendingOp(sequence)
{
    public override string? Directory => ParentOf(To);

    public string From { get; } = from;

    public string To { get; } = to;

    public long Moved { get; } = inode;

    public long? Replaced { get; } = replaced;

    public override void Apply(FsImage image)
    {
        if (image.Entries.TryGetValue(From, out var current) && current == Moved)
            image.Entries.Remove(From);
        image.Entries[To] = Moved;
    }
}

public sealed class UnlinkOp(long sequence, string path, long inode) : PendingOp(sequence)
{
    public override string? Directory => ParentOf(Path);

    public string Path { get; } = path;

    public long Unlinked { get; } = inode;

    public override void Apply(FsImage image)
    {
        if (image.Entries.TryGetValue(Path, out var current) && current == Unlinked)
            image.Entries.Remove(Path);
    }
}
