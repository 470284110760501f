namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// A whole file-system state: directory entries (root-relative paths, '/'-separated) naming
/// inodes, and the inodes' bytes. An inode may have no entry (created but its name lost).
/// </summary>
public sealed class FsImage
{
    public Dictionary<string, long> Entries { get; } = new(StringComparer.Ordinal);

    public Dictionary<long, FileData> Inodes { get; } = [];

    /// <summary>Writes this state holds only in part (not copied by <see cref="Clone"/>): each leaves a torn tail to clean up.</summary>
    public int TornWrites { get; set; }

    public FsImage Clone()
    {
        var copy = new FsImage();
        foreach (var (path, inode) in Entries)
            copy.Entries[path] = inode;
        foreach (var (inode, data) in Inodes)
            copy.Inodes[inode] = data.Clone();
        return copy;
    }

    /// <summary>A copy that clones the bytes of <paramref name="inodes"/> only and shares every other file's (which the copy must then not change).</summary>
    public FsImage CloneOnly(IReadOnlySet<long> inodes)
    {
        var copy = new FsImage();
        foreach (var (path, inode) in Entries)
            copy.Entries[path] = inode;
        foreach (var (inode, data) in Inodes)
            copy.Inodes[inode] = inodes.Contains(inode) ? data.Clone() : data;
        return copy;
    }

    public FileData Data(long inode) => Inodes.TryGetValue(inode, out var data) ? data : Inodes[inode] = new FileData([]);

    /// <summary>The visible files: path and content, sorted by path.</summary>
    public IEnumerable<(string Path, byte[] Content)> Files()
        => Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, Data(e.Value).Content.ToArray()));

    /// <summary>
    /// A stable digest of the visible files, to compare states and tell distinct ones apart. It only
    /// needs identity (no adversary chooses the contents), so a fast 128-bit hash serves.
    /// </summary>
    public string Digest()
    {
        var hash = new System.IO.Hashing.XxHash128();
        foreach (var (path, content) in Files())
        {
            hash.Append(System.Text.Encoding.UTF8.GetBytes(path));
            hash.Append(BitConverter.GetBytes(content.LongLength));
            hash.Append(content);
        }

        return Convert.ToHexString(hash.GetCurrentHash());
    }
}
