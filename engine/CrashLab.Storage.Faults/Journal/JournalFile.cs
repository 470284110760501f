using System.Buffers.Binary;

namespace CrashLab.Storage.Faults.Journal;

/// <summary>The journal's files in a trace directory, and reading them back.</summary>
public static class JournalFile
{
    public const string FileName = "journal.bin";
    public const string LinksDirectory = "links";

    /// <summary>Where the content of inode <paramref name="inode"/> is kept after its last name went away.</summary>
    public static string LinkPath(string traceDir, long inode) => Path.Combine(traceDir, LinksDirectory, inode.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Replays every whole record; a record cut short by the kill is ignored (its operation never ran).</summary>
    internal static JournalState Replay(string traceDir)
    {
        var state = new JournalState { KeepEvents = true };
        var path = Path.Combine(traceDir, FileName);
        if (!File.Exists(path))
            return state;
        var bytes = File.ReadAllBytes(path);
        for (var at = 0; at + 13 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            if (length < 13 || at + length > bytes.Length)
                break;
            var op = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 5));
            state.Apply((RecordType)bytes[at + 4], op, bytes.AsSpan(at + 13, length - 13));
            at += length;
        }

        return state;
    }
}
