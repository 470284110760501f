using Microsoft.Win32.SafeHandles;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// A chain's data directory as it was before a start, kept for the case file should that start
/// fail. It is taken before every start and almost never used, so it costs a read per file into
/// buffers kept from one snapshot to the next: no base64 (a case file's encoding, made only when a
/// case is recorded) and no new multi-MiB arrays per start, which had cost a loaded 2-core machine
/// 20–70 ms a start in encoding and garbage collection.
/// </summary>
/// <remarks>
/// A log grows a little between most starts. A buffer sized to the byte would be too small at
/// the next snapshot, and a new multi-MiB array (zeroed, then collected) was allocated for the
/// log at almost every start; so a buffer is given room to grow (<see cref="Headroom"/>), and the
/// buffers of files that are gone (a rotated segment, a marker replaced by a rename) serve the
/// files that came instead.
/// </remarks>
public sealed class DirectorySnapshot
{
    /// <summary>A new buffer holds this share of its file's length again, so that appends fit in it at the next snapshots.</summary>
    public const double Headroom = 0.5;

    private readonly Dictionary<string, (byte[] Buffer, int Length)> _files = new(StringComparer.Ordinal);
    private readonly List<string> _taken = [];
    private readonly List<byte[]> _spare = [];

    /// <summary>The total size of the files in the last snapshot.</summary>
    public long Bytes { get; private set; }

    /// <summary>Replaces the snapshot with <paramref name="directory"/>'s files as they are now (none if it does not exist).</summary>
    public void Take(string directory)
    {
        _taken.Clear();
        Bytes = 0;
        var files = (Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories) : [])
            .Select(file => (Full: file, Path: Path.GetRelativePath(directory, file))).ToList();
        var paths = files.Select(file => file.Path).ToHashSet(StringComparer.Ordinal);

        // Files gone since the last snapshot give their buffers to the files that came instead.
        foreach (var gone in _files.Keys.Where(path => !paths.Contains(path)).ToList())
        {
            _spare.Add(_files[gone].Buffer);
            _files.Remove(gone);
        }

        foreach (var (file, path) in files)
        {
            using var handle = File.OpenHandle(file);
            var length = checked((int)RandomAccess.GetLength(handle));
            var buffer = BufferFor(path, length);
            _files[path] = (buffer, ReadAll(handle, buffer.AsSpan(0, length)));
            _taken.Add(path);
            Bytes += length;
        }

        // Spares no file needed this time are let go: the snapshot holds on to no more than its files.
        _spare.Clear();
    }

    /// <summary>The snapshot as a case file keeps it: relative path to base64 content.</summary>
    public Dictionary<string, string> ToCaseFile()
        => _taken.ToDictionary(path => path, path => Convert.ToBase64String(_files[path].Buffer, 0, _files[path].Length), StringComparer.Ordinal);

    /// <summary>The file's own buffer if the file still fits in it, else the smallest spare it fits in, else a new one with room to grow.</summary>
    private byte[] BufferFor(string path, int length)
    {
        if (_files.TryGetValue(path, out var kept))
        {
            if (kept.Buffer.Length >= length)
                return kept.Buffer;
            _spare.Add(kept.Buffer);
        }

        var fitting = _spare.Where(spare => spare.Length >= length).MinBy(spare => spare.Length);
        if (fitting != null)
        {
            _spare.Remove(fitting);
            return fitting;
        }

        return new byte[(int)Math.Min(Array.MaxLength, length + (long)(length * Headroom))];
    }

    private static int ReadAll(SafeFileHandle handle, Span<byte> into)
    {
        var read = 0;
        while (read < into.Length && RandomAccess.Read(handle, into[read..], read) is var n and > 0)
            read += n;
        return read;
    }
}
