using System.Buffers.Binary;

namespace CrashLab.Fuse.Kernel;

/// <summary>What lstat says of a file in the backing directory (read with statx: one layout on every architecture).</summary>
internal readonly record struct FileStat(ulong Inode, ulong Size, ulong Blocks, uint Mode, uint Links, uint Uid, uint Gid, uint Rdev, uint BlockSize,
    long Atime, uint AtimeNs, long Mtime, uint MtimeNs, long Ctime, uint CtimeNs)
{
    private const uint StatxBasicStats = 0x7ff;
    public const uint TypeMask = 0xF000;
    public const uint Directory = 0x4000;
    public const uint Regular = 0x8000;
    public const uint SymbolicLink = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == Directory;

    /// <summary>lstat of <paramref name="path"/>; -errno on failure.</summary>
    public static unsafe int TryRead(string path, out FileStat stat)
    {
        var buffer = stackalloc byte[256];
        if (Native.Statx(Native.AT_FDCWD, path, Native.AT_SYMLINK_NOFOLLOW, StatxBasicStats, buffer) != 0)
        {
            stat = default;
            return -Native.Errno;
        }

        var b = new ReadOnlySpan<byte>(buffer, 256);
        stat = new FileStat(
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
            Size: BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
            Blocks: BinaryPrimitives.ReadUInt64LittleEndian(b[48..]),
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(b[28..]),
            Links: BinaryPrimitives.ReadUInt32LittleEndian(b[16..]),
            Uid: BinaryPrimitives.ReadUInt32LittleEndian(b[20..]),
            Gid: BinaryPrimitives.ReadUInt32LittleEndian(b[24..]),
            Rdev: (BinaryPrimitives.ReadUInt32LittleEndian(b[128..]) << 8) | BinaryPrimitives.ReadUInt32LittleEndian(b[132..]),
            BlockSize: BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
            Atime: BinaryPrimitives.ReadInt64LittleEndian(b[64..]),
            AtimeNs: BinaryPrimitives.ReadUInt32LittleEndian(b[72..]),
            Mtime: BinaryPrimitives.ReadInt64LittleEndian(b[112..]),
            MtimeNs: BinaryPrimitives.ReadUInt32LittleEndian(b[120..]),
            Ctime: BinaryPrimitives.ReadInt64LittleEndian(b[96..]),
            CtimeNs: BinaryPrimitives.ReadUInt32LittleEndian(b[104..]));
        return 0;
    }

    /// <summary>Appends fuse_attr, with the node id as the inode number the kernel shows.</summary>
    public void WriteAttr(ReplyBuffer reply, ulong nodeId) => reply
        .U64(nodeId).U64(Size).U64(Blocks)
        .U64((ulong)Atime).U64((ulong)Mtime).U64((ulong)Ctime)
        .U32(AtimeNs).U32(MtimeNs).U32(CtimeNs)
        .U32(Mode).U32(Links).U32(Uid).U32(Gid).U32(Rdev).U32(BlockSize).U32(0);
}
