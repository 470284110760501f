using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>
/// The <see cref="RecordType.History"/> record: a compaction drops the records of durable
/// operations, and with them the order facts (last changes, settled lengths, unwritten blocks, sync barriers) that
/// the ext4-ordered profile reads; this record carries them into the compacted journal.
/// </summary>
internal static class HistoryRecord
{
    public static byte[] Write(HistorySnapshot history, long op)
    {
        var record = new RecordWriter(RecordType.History, op).Int(history.FileChanges.Count);
        foreach (var (inode, last, lastAllocation) in history.FileChanges)
            record.Long(inode).Long(last).Long(lastAllocation);
        record.Int(history.DirectoryChanges.Count);
        foreach (var (directory, sequence) in history.DirectoryChanges)
            record.Text(directory).Long(sequence);
        record.Int(history.Lengths.Count);
        foreach (var (inode, settled, length) in history.Lengths)
            record.Long(inode).Long(settled).Long(length);
        record.Int(history.Barriers.Count);
        foreach (var barrier in history.Barriers)
        {
            record.Long(barrier.Sequence).Byte((byte)barrier.Kind).Long(barrier.Inode ?? -1).Text(barrier.Directory ?? "").Long(barrier.LastChange);
        }

        record.Int(history.WriteSettled.Count);
        foreach (var (sequence, settled) in history.WriteSettled)
            record.Long(sequence).Long(settled);
        record.Int(history.Unwritten.Count);
        foreach (var (inode, start, end) in history.Unwritten)
            record.Long(inode).Long(start).Long(end);
        return record.ToArray();
    }

    public static HistorySnapshot Read(ref RecordReader read)
    {
        var files = new List<(long, long, long)>();
        for (var n = read.Int(); n > 0; n--)
            files.Add((read.Long(), read.Long(), read.Long()));
        var directories = new List<(string, long)>();
        for (var n = read.Int(); n > 0; n--)
            directories.Add((read.Text(), read.Long()));
        var lengths = new List<(long, long, long)>();
        for (var n = read.Int(); n > 0; n--)
            lengths.Add((read.Long(), read.Long(), read.Long()));
        var barriers = new List<SyncBarrier>();
        for (var n = read.Int(); n > 0; n--)
        {
            var (sequence, kind, inode, directory) = (read.Long(), (SyncKind)read.Byte(), read.Long(), read.Text());
            barriers.Add(new SyncBarrier(sequence, kind, inode < 0 ? null : inode, kind == SyncKind.DirectoryFsync ? directory : null, read.Long()));
        }

        var settled = new List<(long, long)>();
        for (var n = read.Int(); n > 0; n--)
            settled.Add((read.Long(), read.Long()));
        var unwritten = new List<(long, long, long)>();
        for (var n = read.Int(); n > 0; n--)
            unwritten.Add((read.Long(), read.Long(), read.Long()));
        return new HistorySnapshot(files, directories, lengths, barriers, settled, unwritten);
    }
}
