using Microsoft.Win32.SafeHandles;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// A chain's data directory as it was before a start, kept for the case file should that start
/// fail. It is taken before every start and almost never used, so it costs a read per file into
/// buffers kept from one snapshot to the next: no base64 (a case file's encoding, made only when a
/// case is recorded) and no new multi-MiB arrays per start, which had cost a loaded 2-core machine
/// 20–70 ms a start in encoding and garbage collection.
/// </summary>
public sealed class DirectorySnapshot
{
    private readonly Dictionary<string, (byte[] Buffer, int Length)> _files = new(StringComparer.Ordinal);
    private readonly List<string> _taken = [];

    /// <summary>The total size of the files in the last snapshot.</summary>
    public long Bytes { get; private set; }

    /// <summary>Replaces the snapshot with <paramref name="directory"/>'s files as they are now (none if it does not exist).</summary>
    public void Take(string directory)
    {
        _taken.Clear();
        Bytes = 0;
        if (!Directory.Exists(directory))
            return;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var path = Path.GetRelativePath(directory, file);
            using var handle = File.OpenHandle(file);
            var length = checked((int)RandomAccess.GetLength(handle));
            var buffer = _files.TryGetValue(path, out var kept) && kept.Buffer.Length >= length ? kept.Buffer : new byte[length];
            _files[path] = (buffer, ReadAll(handle, buffer.AsSpan(0, length)));
            _taken.Add(path);
            Bytes += length;
        }

        // Files gone since the last snapshot give their buffers back.
        foreach (var gone in _files.Keys.Except(_taken, StringComparer.Ordinal).ToList())
            _files.Remove(gone);
    }

    /// <summary>The snapshot as a case file keeps it: relative path to base64 content.</summary>
    public Dictionary<string, string> ToCaseFile()
        => _taken.ToDictionary(path => path, path => Convert.ToBase64String(_files[path].Buffer, 0, _files[path].Length), StringComparer.Ordinal);

    private static int ReadAll(SafeFileHandle handle, Span<byte> into)
    {
        var read = 0;
        while (read < into.Length && RandomAccess.Read(handle, into[read..], read) is var n and > 0)
            read += n;
        return read;
    }
}
