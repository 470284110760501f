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

    public long End => Offset + Length;

    /// <summary>The file's length just before this write (in issue order, every earlier operation applied).</summary>
    public long OldLength { get; init; }

    /// <summary>
    /// The file's length at its last successful fsync or fdatasync before this write (or when first
    /// seen, for a file older than the record): what the file system had written back and allocated.
    /// Set by <see cref="DurabilityTracker"/>.
    /// </summary>
    public long SettledLength { get; set; }

    /// <summary>The bytes written; known at once on the simulated disk, recovered by the undo pass from a journal.</summary>
    public byte[] Data { get; set; } = [];

    public override void Apply(FsImage image) => image.Data(inode).Write(Offset, Data);

    /// <summary>How many sectors of <paramref name="sectorSize"/> the write touches.</summary>
    public int Sectors(int sectorSize) => (int)((Offset + Length + sectorSize - 1) / sectorSize - Offset / sectorSize);

    /// <summary>The file bytes [Start, End) of the write's sector <paramref name="sector"/> (0 = the one holding its first byte).</summary>
    public (long Start, long End) SectorRange(int sector, int sectorSize)
    {
        var first = (Offset / sectorSize + sector) * sectorSize;
        return (Math.Max(Offset, first), Math.Min(Offset + Data.Length, first + sectorSize));
    }

    /// <summary>
    /// Puts down the given sectors of the write, each whole (a sector is atomic): a sector it covers
    /// in part as the page cache held it just after the write (<paramref name="pages"/>, see
    /// <see cref="SectorPages"/>), with the earlier writes' bytes in it; the file grows to cover
    /// the write's own bytes in them, no further.
    /// </summary>
    public void ApplySectors(FsImage image, IEnumerable<int> sectors, int sectorSize, Func<int, byte[]?> pages)
    {
        var data = image.Data(inode);
        foreach (var sector in sectors)
        {
            var (start, end) = SectorRange(sector, sectorSize);
            if (end <= start)
                continue;
            if (pages(sector) is not { } page)
            {
                data.Write(start, Data.AsSpan((int)(start - Offset), (int)(end - start)));
                continue;
            }

            var first = (Offset / sectorSize + sector) * sectorSize;
            var reach = Math.Min(first + sectorSize, Math.Max(data.Length, end));
            data.Write(first, page.AsSpan(0, (int)(reach - first)));
        }
    }
}

public sealed class SetLengthOp(long sequence, long inode, long length) : PendingOp(sequence)
{
    public override long? Inode => inode;

    public long Length { get; } = length;

    /// <summary>The file's length just before the change.</summary>
    public long OldLength { get; init; }

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
