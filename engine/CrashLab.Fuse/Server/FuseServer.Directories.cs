using System.Buffers.Binary;
using System.Text;
using CrashLab.Fuse.Kernel;
using CrashLab.Storage;

namespace CrashLab.Fuse.Server;

internal sealed partial class FuseServer
{
    /// <summary>
    /// opendir answers at once and lists nothing: a program opens a directory to fsync it far more
    /// often than to read it (a WAL's directory fsync after each create or rename), and a listing
    /// costs a stat per entry, milliseconds in a directory of thousands of files. The first
    /// READDIR lists it.
    /// </summary>
    private int OpenDir(in FuseRequest request)
    {
        if (Backing(request.NodeId) is not { } path)
            return -Errno.ENOENT;
        var error = FileStat.TryRead(path, out var self);
        if (error < 0)
            return error;
        if (!self.IsDirectory)
            return -Errno.ENOTDIR;
        var handle = _nextHandle++;
        _directories[handle] = null;
        _reply.U64(handle).U32(0).U32(0);
        return 0;
    }

    /// <summary>
    /// fuse_dirent records from the offset the kernel asks (an index into the listing), as many as
    /// fit. Offset 0 (the first read, or a rewinddir) lists the directory as it is now; later reads
    /// continue that listing, so the offsets stay stable while the program reads.
    /// </summary>
    private int ReadDir(in FuseRequest request)
    {
        var body = request.Reader();
        var (fh, offset, size) = (body.U64(), body.U64(), body.U32());
        if (!_directories.TryGetValue(fh, out var entries))
            return -Errno.EBADF;
        if (entries == null || offset == 0)
            _directories[fh] = entries = Listing(Backing(request.NodeId));
        var used = 0;
        for (var i = (int)Math.Min(offset, (ulong)entries.Count); i < entries.Count; i++)
        {
            var name = Encoding.UTF8.GetBytes(entries[i].Name);
            var record = (24 + name.Length + 7) & ~7;
            if (used + record > size)
                break;
            var span = _reply.Take(record);
            span.Clear();
            BinaryPrimitives.WriteUInt64LittleEndian(span, entries[i].Inode == 0 ? 1 : entries[i].Inode);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], (ulong)(i + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span[20..], entries[i].Type);
            name.CopyTo(span[24..]);
            used += record;
        }

        return 0;
    }

    /// <summary>The directory's names with their inodes and types; none once it is gone (as Linux lists a removed directory).</summary>
    private static List<DirectoryEntry> Listing(string? path)
    {
        if (path == null || FileStat.TryRead(path, out var self) < 0 || !self.IsDirectory)
            return [];
        var entries = new List<DirectoryEntry> { new(".", self.Inode, 4), new("..", 0, 4) };
        foreach (var child in Directory.EnumerateFileSystemEntries(path))
        {
            if (FileStat.TryRead(child, out var stat) == 0)
                entries.Add(new DirectoryEntry(Path.GetFileName(child), stat.Inode, (stat.Mode & FileStat.TypeMask) >> 12));
        }

        return entries;
    }

    private int ReleaseDir(in FuseRequest request)
    {
        _directories.Remove(request.Reader().U64());
        return 0;
    }

    /// <summary>fsync of a directory, through the shim: makes its creates, renames and unlinks durable.</summary>
    private int FsyncDir(in FuseRequest request)
    {
        if (Backing(request.NodeId) is not { } path)
            return -Errno.ENOENT;
        shim.SyncDirectory(path);
        return 0;
    }

    private unsafe int StatFs()
    {
        var buffer = stackalloc byte[112];
        if (Native.Statvfs(_root, buffer) != 0)
            return -Native.Errno;
        var s = new ReadOnlySpan<byte>(buffer, 112);
        _reply.U64(Field(s, 2)).U64(Field(s, 3)).U64(Field(s, 4)).U64(Field(s, 5)).U64(Field(s, 6))
            .U32((uint)Field(s, 0)).U32((uint)Field(s, 10)).U32((uint)Field(s, 1)).U32(0).Zeros(24);
        return 0;
    }

    /// <summary>The n-th 8-byte field of struct statvfs (64-bit Linux): bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax.</summary>
    private static ulong Field(ReadOnlySpan<byte> statvfs, int n) => BinaryPrimitives.ReadUInt64LittleEndian(statvfs[(n * 8)..]);
}
