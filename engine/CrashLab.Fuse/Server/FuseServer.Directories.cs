using System.Buffers.Binary;
using CrashLab.Fuse.Kernel;
using CrashLab.Storage;

namespace CrashLab.Fuse.Server;

internal sealed partial class FuseServer
{
    /// <summary>The getdents64 records of one READDIR: the kernel asks for a page at a time.</summary>
    private readonly byte[] _directoryRecords = new byte[64 * 1024];

    /// <summary>
    /// READDIR without an OPENDIR (the daemon answers OPENDIR with ENOSYS, so the kernel opens
    /// directories without asking and sends neither OPENDIR nor RELEASEDIR, two round trips saved
    /// on every directory fsync). With no handle to keep a listing in, each READDIR reads the
    /// backing directory afresh from the offset the kernel gives, and the offsets it hands out are
    /// the backing file system's own directory cookies (getdents64's d_off), which stay valid
    /// while names come and go (tmpfs since Linux 6.6, ext4, xfs, btrfs): a listing read over many
    /// requests is whole and exact, offset 0 (a first read, or a rewinddir) starts over, and each
    /// read shows the directory as it is then. Inode and type come with the names: no stat per entry.
    /// </summary>
    private unsafe int ReadDir(in FuseRequest request)
    {
        var body = request.Reader();
        body.U64(); // fh: always 0 without OPENDIR
        var (offset, size) = ((long)body.U64(), body.U32());
        if (Backing(request.NodeId) is not { } path)
            return 0; // no name left: listed as empty, as Linux lists a removed directory
        var fd = Native.Open(path, Native.O_DIRECTORY | Native.O_CLOEXEC, 0);
        if (fd < 0)
            return Native.Errno == Errno.ENOENT ? 0 : -Native.Errno;
        try
        {
            nint length;
            fixed (byte* start = _directoryRecords)
            {
                if (Native.Seek(fd, offset, Native.SEEK_SET) < 0)
                    return -Native.Errno;
                length = Native.GetDents64(fd, start, (nuint)Math.Min(size, (uint)_directoryRecords.Length));
            }

            if (length < 0)
                return -Native.Errno;
            AppendDirents(_directoryRecords.AsSpan(0, (int)length), size);
            return 0;
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    /// <summary>
    /// Turns linux_dirent64 records into fuse_dirent records while they fit in <paramref name="size"/>.
    /// A fuse_dirent is never smaller than its linux_dirent64, so a page of getdents64 records is
    /// at least a page of replies; the names that do not fit are read again by the next READDIR,
    /// from the cookie of the last one sent.
    /// </summary>
    private void AppendDirents(ReadOnlySpan<byte> records, uint size)
    {
        var used = 0;
        for (var at = 0; at < records.Length;)
        {
            var record = records[at..];
            var (inode, next, recordLength, type) = (BinaryPrimitives.ReadUInt64LittleEndian(record), BinaryPrimitives.ReadInt64LittleEndian(record[8..]),
                BinaryPrimitives.ReadUInt16LittleEndian(record[16..]), record[18]);
            var name = record[19..recordLength];
            name = name[..name.IndexOf((byte)0)];
            var direntLength = (24 + name.Length + 7) & ~7;
            if (used + direntLength > size)
                return;
            var dirent = _reply.Take(direntLength);
            dirent.Clear();
            BinaryPrimitives.WriteUInt64LittleEndian(dirent, inode == 0 ? 1 : inode);
            BinaryPrimitives.WriteInt64LittleEndian(dirent[8..], next);
            BinaryPrimitives.WriteUInt32LittleEndian(dirent[16..], (uint)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(dirent[20..], type);
            name.CopyTo(dirent[24..]);
            used += direntLength;
            at += recordLength;
        }
    }

    /// <summary>fsync of a directory, through the shim: makes its creates, renames and unlinks durable. It still arrives without OPENDIR (fh 0).</summary>
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
