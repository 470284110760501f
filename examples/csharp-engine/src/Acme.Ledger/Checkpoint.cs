using System.Buffers.Binary;
using System.IO.Hashing;
using CrashLab.Storage;

namespace Acme.Ledger;

/// <summary>
/// The checkpoint file: the first LSN the log keeps (u64) and its CRC-32. Replaced atomically:
/// written to a temporary file, fsynced, renamed over the old one, and the directory fsynced.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "checkpoint";
    public const string TempName = "checkpoint.tmp";

    public static void Write(IFileSystem fs, string directory, long firstLsn, LedgerBug bug)
    {
        var temp = Path.Combine(directory, TempName);
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, firstLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Crc32.HashToUInt32(bytes.AsSpan(0, 8)));
        using (var file = fs.Open(temp, OpenMode.OpenOrCreate))
        {
            file.SetLength(0);
            file.Write(0, bytes);
            if (bug != LedgerBug.RenameWithoutFsync)
                file.Sync();
        }

        fs.Rename(temp, Path.Combine(directory, FileName));
        fs.SyncDirectory(directory);
    }

    /// <summary>The first LSN the checkpoint keeps; null without one. A damaged checkpoint stops recovery.</summary>
    public static long? Read(IFileSystem fs, string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!fs.Exists(path))
            return null;
        using var file = fs.Open(path, OpenMode.ReadOnly);
        var bytes = new byte[12];
        if (file.Read(0, bytes) != bytes.Length || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) != Crc32.HashToUInt32(bytes.AsSpan(0, 8)))
            throw new InvalidDataException($"{path} is damaged: the ledger cannot tell where it starts");
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }
}
