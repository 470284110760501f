using System.Globalization;
using CrashLab.Storage;

namespace Acme.Ledger;

/// <summary>Recovery: the checkpoint says where the ledger starts; segments are scanned in order up to the first frame that does not verify.</summary>
public sealed partial class LedgerLog
{
    private sealed record Recovered(long FirstLsn, long NextLsn, List<byte[]> Records, List<(long FirstLsn, string Path)> Segments, long TailBytes);

    private static Recovered Recover(IFileSystem fs, string directory)
    {
        fs.CreateDirectory(directory);
        var temp = Path.Combine(directory, Checkpoint.TempName);
        if (fs.Exists(temp))
            fs.Delete(temp); // a checkpoint that never got renamed into place
        var checkpoint = Checkpoint.Read(fs, directory);
        var found = fs.List(directory).Where(n => n.EndsWith(SegmentSuffix, StringComparison.Ordinal))
            .Select(n => (FirstLsn: long.Parse(n[..^SegmentSuffix.Length], CultureInfo.InvariantCulture), Path: Path.Combine(directory, n)))
            .OrderBy(s => s.FirstLsn).ToList();
        var first = checkpoint ?? (found.Count > 0 ? found[0].FirstLsn : 1);
        var (deleted, stopped) = (false, false);
        // Segments wholly below the checkpoint are what a truncation was deleting when the power went:
        // its unlinks reach the disk in any order, so one may be gone and an older one still there.
        while (found.Count > 1 && found[1].FirstLsn <= first)
        {
            fs.Delete(found[0].Path);
            found.RemoveAt(0);
            deleted = true;
        }

        var expected = found.Count > 0 ? found[0].FirstLsn : first;
        var records = new List<byte[]>();
        var kept = new List<(long, string)>();
        long tailBytes = 0;
        foreach (var segment in found)
        {
            // Past a torn tail, or a segment that does not continue the last one: nothing there belongs to the log.
            if (stopped || segment.FirstLsn != expected)
            {
                fs.Delete(segment.Path);
                (deleted, stopped) = (true, true);
                continue;
            }

            using var file = fs.Open(segment.Path, OpenMode.OpenExisting);
            var bytes = new byte[file.Length];
            file.Read(0, bytes);
            // Records count once their batch is whole: a batch torn by a power loss goes entirely.
            var (offset, scanned, batch) = (0, 0, new List<byte[]>());
            while (RecordFrame.TryRead(bytes, scanned, expected + batch.Count, out var payload, out var frameBytes, out var batchEnd))
            {
                batch.Add(payload);
                scanned += frameBytes;
                if (!batchEnd)
                    continue;
                foreach (var record in batch)
                {
                    if (expected++ >= first)
                        records.Add(record);
                }

                (offset, batch) = (scanned, []);
            }

            kept.Add(segment);
            tailBytes = offset;
            if (offset < bytes.Length)
            {
                // A torn tail: cut it, so the next append does not land behind garbage.
                file.SetLength(offset);
                file.Sync();
                stopped = true;
            }
        }

        if (expected < first)
        {
            // Everything the segments hold lies below the checkpoint: start afresh at the checkpoint.
            foreach (var (_, path) in kept)
                fs.Delete(path);
            (kept, deleted, tailBytes, expected) = ([], true, 0, first);
        }

        if (deleted)
            fs.SyncDirectory(directory);
        return new Recovered(first, expected, records, kept, tailBytes);
    }
}
