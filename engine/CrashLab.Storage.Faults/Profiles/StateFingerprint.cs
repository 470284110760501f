using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// Tells a window's crash states apart by the bytes they leave without copying or hashing large
/// files: outside the ranges pending operations touch, every state holds the durable bytes, so a
/// large file is known by its durable bytes (hashed once per window), its length and its touched
/// ranges (two files with equal bytes reached by different means may then count twice: the
/// enumeration checks a state more, never less). Small files are known by their whole bytes,
/// exactly, as the list of their 4 KiB blocks' hashes: a block no pending operation touches holds
/// its durable bytes in every state, so its hash is taken once per window, and a state costs the
/// hashes of its touched blocks (an enumeration fingerprints up to tens of thousands of states of
/// 256 KiB segments). One scratch copy of the touched files takes each assignment and is put back
/// after, so a kill over a 64 MiB segment costs what its pending operations cost.
/// The hash is XxHash128, not a cryptographic one: the bytes are the harness's own workload and
/// the engine's, not an adversary's, so all the fingerprint needs is that two different byte
/// strings do not meet by chance (about 2^-128 for a pair; an enumeration compares at most tens
/// of thousands of states, pairs of order 2^30), at a small part of SHA-256's cost (on this project's
/// machine 0.6 µs per 4 KiB block against 31 µs).
/// </summary>
internal sealed class StateFingerprint
{
    /// <summary>Files up to this size are hashed whole, so states are told apart by their bytes exactly; a larger one by its touched ranges.</summary>
    private const int WholeFileLimit = 1 << 20;

    /// <summary>The block whose hash a small file's fingerprint lists.</summary>
    private const int Block = 4096;

    /// <summary>An XxHash128 digest's size.</summary>
    private const int HashBytes = 16;

    private readonly CrashWindow _window;
    private readonly Dictionary<long, List<(long Start, long End)>> _ranges;
    private readonly FsImage _scratch;
    private readonly Dictionary<long, byte[]> _durableContent = [];
    private readonly Dictionary<long, byte[]?[]> _durableBlocks = [];

    public StateFingerprint(CrashWindow window, IReadOnlySet<long> touched)
    {
        _window = window;
        _ranges = TouchedRanges.Of(window.Pending, window.SectorSize);
        _scratch = window.Durable.CloneOnly(touched);
    }

    public string Of(CrashAssignment assignment)
    {
        lock (_scratch)
        {
            for (var i = 0; i < _window.Pending.Count; i++)
                assignment[i].Apply(_window, i, _scratch);
            var fingerprint = Hash();
            Restore();
            return fingerprint;
        }
    }

    private string Hash()
    {
        var hash = new XxHash128();
        Span<byte> length = stackalloc byte[sizeof(long)];
        foreach (var (path, inode) in _scratch.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // Each field of variable length follows its length, so the hashed string names the state unambiguously.
            var name = Encoding.UTF8.GetBytes(path);
            BinaryPrimitives.WriteInt64LittleEndian(length, name.Length);
            hash.Append(length);
            hash.Append(name);
            var data = _scratch.Data(inode);
            BinaryPrimitives.WriteInt64LittleEndian(length, data.Length);
            hash.Append(length);
            if (data.Length <= WholeFileLimit)
            {
                AppendBlocks(hash, inode, data.Content);
                continue;
            }

            hash.Append(DurableContent(inode));
            foreach (var (start, end) in _ranges.TryGetValue(inode, out var ranges) ? ranges : [])
            {
                if (start < data.Length)
                    hash.Append(data.Content[(int)start..(int)Math.Min(end, data.Length)]);
            }
        }

        return Convert.ToHexString(hash.GetCurrentHash());
    }

    /// <summary>
    /// The hash of each 4 KiB block of a small file, in order: equal lists exactly when the bytes
    /// are equal (the length is hashed before). A block of a durable file that lies within its
    /// durable length and outside every range a pending operation touches holds the durable bytes
    /// in every state of the window: its hash is taken once.
    /// </summary>
    private void AppendBlocks(XxHash128 digest, long inode, ReadOnlySpan<byte> content)
    {
        var durable = _window.Durable.Inodes.TryGetValue(inode, out var original) ? original : null;
        var blocks = durable == null ? null : _durableBlocks.TryGetValue(inode, out var known) ? known : _durableBlocks[inode] = new byte[]?[(durable.Length + Block - 1) / Block];
        Span<byte> hash = stackalloc byte[HashBytes];
        for (var block = 0; block * (long)Block < content.Length; block++)
        {
            var start = block * Block;
            var end = Math.Min(start + Block, content.Length);
            if (blocks != null && end - start == Block && end <= durable!.Length && !Touched(inode, start, end))
            {
                digest.Append(blocks[block] ??= XxHash128.Hash(durable.Content[start..end]));
                continue;
            }

            XxHash128.Hash(content[start..end], hash);
            digest.Append(hash);
        }
    }

    /// <summary>Whether a pending operation's range meets [start, end) of the inode.</summary>
    private bool Touched(long inode, long start, long end)
        => _ranges.TryGetValue(inode, out var ranges) && ranges.Exists(r => r.Start < end && start < r.End);

    /// <summary>A file's durable bytes, hashed once per window (so two names of equal files compare equal).</summary>
    private byte[] DurableContent(long inode)
    {
        if (!_durableContent.TryGetValue(inode, out var hash))
            _durableContent[inode] = hash = _window.Durable.Inodes.TryGetValue(inode, out var data) ? XxHash128.Hash(data.Content) : [];
        return hash;
    }

    /// <summary>Puts the scratch copy back to the durable state: names, new inodes gone, touched ranges and lengths restored.</summary>
    private void Restore()
    {
        var durable = _window.Durable;
        _scratch.Entries.Clear();
        foreach (var (path, inode) in durable.Entries)
            _scratch.Entries[path] = inode;
        _scratch.TornWrites = 0;
        foreach (var inode in _scratch.Inodes.Keys.Where(i => !durable.Inodes.ContainsKey(i)).ToList())
            _scratch.Inodes.Remove(inode);
        foreach (var (inode, ranges) in _ranges)
        {
            if (!durable.Inodes.TryGetValue(inode, out var original))
                continue;
            var data = _scratch.Data(inode);
            data.SetLength(Math.Min(data.Length, original.Length));
            foreach (var (start, end) in ranges)
            {
                var to = Math.Min(end, original.Length);
                if (start < to)
                    data.Write(start, original.Content[(int)start..(int)to]);
            }

            data.SetLength(original.Length);
        }
    }
}
