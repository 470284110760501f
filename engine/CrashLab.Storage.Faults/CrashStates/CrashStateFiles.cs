using CrashLab.Storage.Faults.Model;
using Microsoft.Win32.SafeHandles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>
/// Writes a kill's crash states as directories. Where the file system offers reflinks (XFS,
/// btrfs), a state's file whose inode the kill left in the data directory is a reflink of it,
/// patched in the 4 KiB blocks where the state's bytes differ (only the ranges the kill's pending
/// operations touched can differ) and cut or extended to the state's length: a state costs what
/// it changes. Elsewhere (tmpfs, ext4) every copy costs its bytes, and writing them from memory,
/// where the state already is, was measured cheaper than an in-kernel copy
/// (copy_file_range) of the data directory's file (docs/benchmarks.md). Small files (up to
/// <see cref="WholeUpTo"/>) are written from memory everywhere. Every file of a state is its own
/// inode: a backend writing it (as root, whatever the permissions) changes neither the data
/// directory nor another state. Never a hard link.
/// </summary>
public sealed class CrashStateFiles
{
    private const int Block = 4096;
    private readonly string _killedDir;
    private readonly Dictionary<long, (string Path, FileData Bytes)> _killed = [];
    private readonly Dictionary<long, List<(long Start, long End)>> _touched;

    /// <summary>Whether this directory's file system made a reflink (null: not tried yet).</summary>
    private bool? _reflinks;

    /// <param name="killedDir">The data directory as the kill left it (nothing may write it while its states are written).</param>
    /// <param name="asKilled">Its files as they were read when the kill's journal was loaded.</param>
    /// <param name="pending">Every operation the kill left pending: outside what they touched, every state holds the bytes the kill left.</param>
    public CrashStateFiles(string killedDir, FsImage asKilled, IEnumerable<PendingOp> pending)
    {
        _killedDir = killedDir;
        foreach (var (path, inode) in asKilled.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            _killed.TryAdd(inode, (path, asKilled.Inodes[inode]));
        _touched = TouchedRanges.Of(pending, sectorSize: 1);
    }

    /// <summary>Makes the empty second file a copy-on-write clone of the first, or says it cannot (a test can put a plain copy here, to reach the patching on any file system).</summary>
    internal Func<SafeFileHandle, SafeFileHandle, bool> Cloner { get; set; } = FileClone.Reflink;

    /// <summary>Files up to this size are written from memory, never cloned (0: every file the kill left is cloned where reflinks exist).</summary>
    public int WholeUpTo { get; set; } = 256 << 10;

    /// <summary>How a state's files were made, and the bytes this process wrote for it.</summary>
    public sealed record Written(int Reflinked, int Patched, int WrittenWhole, long BytesWritten)
    {
        public override string ToString() => $"{Reflinked} reflinked ({Patched} of them patched), {WrittenWhole} written whole, {BytesWritten:N0} bytes written";
    }

    /// <summary>Writes <paramref name="state"/> into <paramref name="directory"/> (which must not exist yet, or be empty).</summary>
    public Written Write(FsImage state, string directory)
    {
        var (reflinked, patched, whole, bytes) = (0, 0, 0, 0L);
        Directory.CreateDirectory(directory);
        foreach (var (path, inode) in state.Entries)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var content = state.Inodes.TryGetValue(inode, out var data) ? data : new FileData([]);
            var source = _reflinks != false && content.Length > WholeUpTo && _killed.TryGetValue(inode, out var killed) ? killed : default;
            // A file written whole gets its blocks at once, as File.WriteAllBytes does; a reflink must not (it brings its own).
            using var file = File.OpenHandle(full, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, source.Path == null ? content.Length : 0);
            if (source.Path != null && Reflink(source, file))
            {
                reflinked++;
                var written = content.SameBytes(source.Bytes) ? 0 : Patch(file, source.Bytes.Content, content.Content, _touched.GetValueOrDefault(inode));
                (patched, bytes) = (patched + (written > 0 || content.Length != source.Bytes.Length ? 1 : 0), bytes + written);
                continue;
            }

            RandomAccess.Write(file, content.Content, 0);
            (whole, bytes) = (whole + 1, bytes + content.Length);
        }

        return new Written(reflinked, patched, whole, bytes);
    }

    /// <summary>The kill's file into the new, empty one; false (the file left empty) where there are no reflinks, or the file on disk is no longer what was read.</summary>
    private bool Reflink((string Path, FileData Bytes) source, SafeFileHandle file)
    {
        try
        {
            using var from = File.OpenHandle(Path.Combine(_killedDir, source.Path), FileMode.Open, FileAccess.Read);
            if (RandomAccess.GetLength(from) != source.Bytes.Length)
                return false;
            _reflinks = Cloner(from, file);
            if (_reflinks == true && RandomAccess.GetLength(file) == source.Bytes.Length)
                return true;
            RandomAccess.SetLength(file, 0);
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Turns a file holding <paramref name="before"/> into one holding <paramref name="after"/>,
    /// writing only the blocks that differ within <paramref name="touched"/> (null: anywhere);
    /// returns the bytes written.
    /// </summary>
    private static long Patch(SafeFileHandle file, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, List<(long Start, long End)>? touched)
    {
        long written = 0;
        var common = Math.Min(before.Length, after.Length);
        foreach (var (start, end) in Merged(touched ?? [(0, long.MaxValue)], common))
        {
            for (var at = start; at < end;)
            {
                var length = Math.Min(Block, end - at);
                if (before.Slice(at, length).SequenceEqual(after.Slice(at, length)))
                {
                    at += length;
                    continue;
                }

                // A run of differing blocks is one write.
                var runEnd = at + length;
                while (runEnd < end && !before[runEnd..Math.Min(runEnd + Block, end)].SequenceEqual(after[runEnd..Math.Min(runEnd + Block, end)]))
                    runEnd = Math.Min(runEnd + Block, end);
                RandomAccess.Write(file, after[at..runEnd], at);
                written += runEnd - at;
                at = runEnd;
            }
        }

        if (after.Length > before.Length)
        {
            RandomAccess.Write(file, after[before.Length..], before.Length);
            written += after.Length - before.Length;
        }
        else if (after.Length < before.Length)
        {
            RandomAccess.SetLength(file, after.Length);
        }

        return written;
    }

    /// <summary>The ranges widened to whole blocks, cut at <paramref name="limit"/>, sorted and merged.</summary>
    private static List<(int Start, int End)> Merged(List<(long Start, long End)> ranges, int limit)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var (start, end) in ranges.Select(r => ((int)Math.Min(r.Start / Block * Block, limit), (int)Math.Min(r.End, limit))).Where(r => r.Item1 < r.Item2).Order())
        {
            if (merged.Count > 0 && start <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            else
                merged.Add((start, end));
        }

        return merged;
    }
}
