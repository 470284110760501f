using CrashLab.Storage.Faults.Model;
using Microsoft.Win32.SafeHandles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>
/// Writes a kill's crash states as directories without writing again what the kill already left
/// on disk. The base is the data directory as the kill left it (nothing writes it while the kill's
/// states are checked): a state's file whose inode is there is cloned from it (a reflink where the
/// file system offers copy-on-write, else an in-kernel copy) and, when the state's bytes differ,
/// patched in the 4 KiB blocks that differ and cut or extended to the state's length. Files the
/// kill left no trace of are written whole, and so are small ones (up to
/// <see cref="WholeUpTo"/>): writing their bytes, already in memory, costs less than opening
/// the source and cloning it (measured: docs/benchmarks.md). Every file of a state is its own inode, so a
/// backend writing it (as root, whatever the permissions) changes neither the base nor another
/// state: no hard links.
/// </summary>
public sealed class CrashStateFiles
{
    private const int Block = 4096;

    /// <summary>Files up to this size are written from memory rather than cloned (0: every file the kill left is cloned).</summary>
    public int WholeUpTo { get; set; } = 64 << 10;
    private readonly string _killedDir;
    private readonly Dictionary<long, (string Path, FileData Bytes)> _killed = [];

    /// <param name="killedDir">The data directory as the kill left it.</param>
    /// <param name="asKilled">Its files as they were read when the kill's journal was loaded.</param>
    public CrashStateFiles(string killedDir, FsImage asKilled)
    {
        _killedDir = killedDir;
        foreach (var (path, inode) in asKilled.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            _killed.TryAdd(inode, (path, asKilled.Inodes[inode]));
    }

    /// <summary>How a state's files were made, and the bytes this process wrote for it.</summary>
    public sealed record Written(int Reflinked, int KernelCopied, int Patched, int WrittenWhole, long BytesWritten)
    {
        public override string ToString()
            => $"{Reflinked} reflinked, {KernelCopied} copied in the kernel, {Patched} of them patched, {WrittenWhole} written whole, {BytesWritten:N0} bytes written";
    }

    /// <summary>Writes <paramref name="state"/> into <paramref name="directory"/> (which must not exist yet, or be empty).</summary>
    public Written Write(FsImage state, string directory)
    {
        var (reflinked, copied, patched, whole, bytes) = (0, 0, 0, 0, 0L);
        Directory.CreateDirectory(directory);
        foreach (var (path, inode) in state.Entries)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var content = state.Inodes.TryGetValue(inode, out var data) ? data : new FileData([]);
            using var file = File.OpenHandle(full, FileMode.CreateNew, FileAccess.ReadWrite);
            var source = content.Length > WholeUpTo && _killed.TryGetValue(inode, out var killed) ? killed : default;
            switch (source.Path != null ? Clone(source, file) : CloneKind.None)
            {
                case CloneKind.None:
                    RandomAccess.Write(file, content.Content, 0);
                    (whole, bytes) = (whole + 1, bytes + content.Length);
                    continue;
                case CloneKind.Reflink:
                    reflinked++;
                    break;
                default:
                    copied++;
                    break;
            }

            if (!content.SameBytes(source.Bytes))
                (patched, bytes) = (patched + 1, bytes + Patch(file, source.Bytes.Content, content.Content));
        }

        return new Written(reflinked, copied, patched, whole, bytes);
    }

    /// <summary>The kill's file into the new one; none when the file on disk is no longer what was read (then the bytes are written whole).</summary>
    private CloneKind Clone((string Path, FileData Bytes) source, SafeFileHandle file)
    {
        try
        {
            using var from = File.OpenHandle(Path.Combine(_killedDir, source.Path), FileMode.Open, FileAccess.Read);
            if (RandomAccess.GetLength(from) != source.Bytes.Length)
                return CloneKind.None;
            var kind = FileClone.Into(from, file, source.Bytes.Length);
            if (kind == CloneKind.None || RandomAccess.GetLength(file) != source.Bytes.Length)
            {
                RandomAccess.SetLength(file, 0);
                return CloneKind.None;
            }

            return kind;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return CloneKind.None;
        }
    }

    /// <summary>Turns a file holding <paramref name="before"/> into one holding <paramref name="after"/>, writing only the blocks that differ; returns the bytes written.</summary>
    private static long Patch(SafeFileHandle file, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after)
    {
        long written = 0;
        var common = Math.Min(before.Length, after.Length);
        for (var start = 0; start < common;)
        {
            var length = Math.Min(Block, common - start);
            if (before.Slice(start, length).SequenceEqual(after.Slice(start, length)))
            {
                start += length;
                continue;
            }

            // A run of differing blocks is one write.
            var end = start + length;
            while (end < common && !before[end..Math.Min(end + Block, common)].SequenceEqual(after[end..Math.Min(end + Block, common)]))
                end = Math.Min(end + Block, common);
            RandomAccess.Write(file, after[start..end], start);
            written += end - start;
            start = end;
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
}
