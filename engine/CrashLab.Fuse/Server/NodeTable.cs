namespace CrashLab.Fuse.Server;

/// <summary>
/// The kernel names files by node id; the backing directory by path. Each node keeps the paths
/// (hard links) it has, relative to the root ("" is the root, node 1), and the backing inode so a
/// second name of the same file is the same node. Name changes the server makes are applied here.
/// </summary>
internal sealed class NodeTable
{
    public const ulong RootId = 1;

    private readonly Dictionary<ulong, List<string>> _paths = new() { [RootId] = [""] };
    private readonly Dictionary<string, ulong> _byPath = new(StringComparer.Ordinal) { [""] = RootId };
    private readonly Dictionary<ulong, ulong> _byBackingInode = [];
    private readonly Dictionary<ulong, ulong> _backingInodeOf = [];
    private ulong _next = RootId + 1;

    public static string Child(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;

    /// <summary>A path of the node, or null when the kernel names a node that has no name left.</summary>
    public string? PathOf(ulong nodeId) => _paths.TryGetValue(nodeId, out var paths) && paths.Count > 0 ? paths[0] : null;

    /// <summary>The node at <paramref name="path"/>, made or found by the backing inode behind it.</summary>
    public ulong Remember(string path, ulong backingInode)
    {
        if (_byPath.TryGetValue(path, out var known) && (known == RootId || _backingInodeOf.GetValueOrDefault(known) == backingInode))
            return known;
        if (_byPath.ContainsKey(path))
            Unlinked(path);
        if (!_byBackingInode.TryGetValue(backingInode, out var id))
        {
            id = _next++;
            _byBackingInode[backingInode] = id;
            _backingInodeOf[id] = backingInode;
            _paths[id] = [];
        }

        _paths[id].Add(path);
        _byPath[path] = id;
        return id;
    }

    public void Unlinked(string path)
    {
        if (!_byPath.Remove(path, out var id))
            return;
        var paths = _paths[id];
        paths.Remove(path);
        if (paths.Count == 0 && _backingInodeOf.Remove(id, out var inode))
            _byBackingInode.Remove(inode);
    }

    /// <summary>A rename the backing directory has made: the target's old node loses its name, and everything below <paramref name="from"/> moves.</summary>
    public void Renamed(string from, string to)
    {
        Unlinked(to);
        var prefix = from + "/";
        foreach (var (path, id) in _byPath.Where(kv => kv.Key == from || kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            var moved = to + path[from.Length..];
            _byPath.Remove(path);
            _byPath[moved] = id;
            var paths = _paths[id];
            paths[paths.IndexOf(path)] = moved;
        }
    }
}
