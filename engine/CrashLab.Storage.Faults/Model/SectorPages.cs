namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// What a write's partly covered sectors hold when they reach the disk. The kernel writes a sector
/// back whole, with the page cache's bytes of the moment, so a sector that a write kept also
/// carries what earlier writes put into that sector (and the zeros a shrinking size change left
/// there). Without this, a state could hold a later write's bytes in a sector without an earlier
/// write's: torn garbage no file system produces, which can make a correct backend fail.
/// For each pending write this holds the bytes of its partly covered sectors (its first and
/// last) as the page cache held them just after it: the durable bytes with every pending
/// operation up to it applied in issue order, whatever the crash keeps of them. A write that
/// failed its fsync counts too: Linux keeps its bytes in the cache, and a later write-back of the
/// same page takes them along. A sector the write covers whole holds its own bytes alone.
/// </summary>
public sealed class SectorPages
{
    private readonly Dictionary<(int Op, int Sector), byte[]> _pages = [];

    public SectorPages(FsImage durable, IReadOnlyList<PendingOp> pending, int sectorSize)
    {
        var wanted = PartialSectors(pending, sectorSize);
        if (wanted.Count == 0)
            return;
        var files = new Dictionary<long, PageFile>();
        PageFile File(long inode)
            => files.TryGetValue(inode, out var file) ? file
                : files[inode] = new PageFile(durable.Inodes.GetValueOrDefault(inode), wanted[inode], sectorSize);

        for (var i = 0; i < pending.Count; i++)
        {
            switch (pending[i])
            {
                // A pending create starts the file from its durable bytes, not from nothing: a file
                // whose name was never fsynced can still have data an fdatasync made durable, and
                // those bytes are in the page cache around every later write into its sectors.
                case CreateOp create when wanted.TryGetValue(create.CreatedInode, out var sectors):
                    files[create.CreatedInode] = new PageFile(durable.Inodes.GetValueOrDefault(create.CreatedInode), sectors, sectorSize);
                    break;
                case SetLengthOp resize when wanted.ContainsKey(resize.Inode!.Value):
                    File(resize.Inode!.Value).SetLength(resize.Length);
                    break;
                case WriteOp write when wanted.ContainsKey(write.Inode!.Value):
                    var page = File(write.Inode!.Value);
                    page.Write(write.Offset, write.Data);
                    foreach (var sector in PartlyCovered(write, sectorSize))
                        _pages[(i, sector)] = page.Sector(write.Offset / sectorSize + sector).ToArray();
                    break;
            }
        }
    }

    /// <summary>The whole sector <paramref name="sector"/> of pending write <paramref name="op"/> as written back, or null when the write covers it whole.</summary>
    public byte[]? Of(int op, int sector) => _pages.GetValueOrDefault((op, sector));

    /// <summary>The write's sectors (0 = the one holding its first byte) that it covers only in part.</summary>
    private static IEnumerable<int> PartlyCovered(WriteOp write, int sectorSize)
    {
        var count = write.Sectors(sectorSize);
        for (var sector = 0; sector < count; sector += Math.Max(1, count - 1))
        {
            var (start, end) = write.SectorRange(sector, sectorSize);
            if (end - start < sectorSize)
                yield return sector;
        }
    }

    /// <summary>Per file, the file sectors that some pending write covers in part: the only ones worth following.</summary>
    private static Dictionary<long, HashSet<long>> PartialSectors(IReadOnlyList<PendingOp> pending, int sectorSize)
    {
        var wanted = new Dictionary<long, HashSet<long>>();
        foreach (var write in pending.OfType<WriteOp>())
        {
            foreach (var sector in PartlyCovered(write, sectorSize))
                (wanted.TryGetValue(write.Inode!.Value, out var set) ? set : wanted[write.Inode!.Value] = []).Add(write.Offset / sectorSize + sector);
        }

        return wanted;
    }

    /// <summary>The page cache's bytes of one file, followed only in the wanted sectors.</summary>
    private sealed class PageFile(FileData? durable, HashSet<long> wanted, int sectorSize)
    {
        private readonly Dictionary<long, byte[]> _sectors = [];
        private long _length = durable?.Length ?? 0;

        /// <summary>Below this the durable bytes still show where no write came; a shrink zeroes the rest.</summary>
        private long _durableValid = durable?.Length ?? 0;

        public ReadOnlySpan<byte> Sector(long sector)
        {
            if (_sectors.TryGetValue(sector, out var page))
                return page;
            page = new byte[sectorSize];
            var start = sector * sectorSize;
            var count = (int)Math.Clamp(_durableValid - start, 0, sectorSize);
            if (count > 0)
                durable!.Content.Slice((int)start, count).CopyTo(page);
            return _sectors[sector] = page;
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty)
                return;
            for (var sector = offset / sectorSize; sector <= (offset + data.Length - 1) / sectorSize; sector++)
            {
                if (!wanted.Contains(sector))
                    continue;
                Sector(sector);
                var start = Math.Max(offset, sector * sectorSize);
                var end = Math.Min(offset + data.Length, (sector + 1) * sectorSize);
                data[(int)(start - offset)..(int)(end - offset)].CopyTo(_sectors[sector].AsSpan((int)(start - sector * sectorSize)));
            }

            _length = Math.Max(_length, offset + data.Length);
        }

        /// <summary>A shrink discards the bytes past the new size (a later growth reads zeros there).</summary>
        public void SetLength(long length)
        {
            if (length < _length)
            {
                _durableValid = Math.Min(_durableValid, length);
                foreach (var (sector, page) in _sectors)
                {
                    var from = length - sector * sectorSize;
                    if (from < sectorSize)
                        page.AsSpan((int)Math.Max(0, from)).Clear();
                }
            }

            _length = length;
        }
    }
}
