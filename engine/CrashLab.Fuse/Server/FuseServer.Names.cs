using CrashLab.Fuse.Kernel;
using CrashLab.Storage;

namespace CrashLab.Fuse.Server;

internal sealed partial class FuseServer
{
    private int Lookup(in FuseRequest request)
    {
        var name = request.Reader().Name();
        return _nodes.PathOf(request.NodeId) is { } parent ? Entry(NodeTable.Child(parent, name)) : -Errno.ENOENT;
    }

    private int GetAttr(in FuseRequest request)
        => Backing(request.NodeId) is { } path ? Attr(path, request.NodeId) : -Errno.ENOENT;

    /// <summary>
    /// access(2), faccessat(2) and chdir(2): without <c>default_permissions</c> the kernel asks us.
    /// Only the daemon's own user enters the mount, root (mounting needs it), and Linux lets root
    /// do everything but execute a regular file that has no x bit: answered the same here.
    /// </summary>
    private int Access(in FuseRequest request)
    {
        const uint ExecuteRequested = 1, AnyExecuteBit = 0b001_001_001; // X_OK; S_IXUSR | S_IXGRP | S_IXOTH
        var mask = request.Reader().U32();
        if (Backing(request.NodeId) is not { } path)
            return -Errno.ENOENT;
        var error = FileStat.TryRead(path, out var stat);
        if (error < 0)
            return error;
        var regular = (stat.Mode & FileStat.TypeMask) == FileStat.Regular;
        return (mask & ExecuteRequested) != 0 && regular && (stat.Mode & AnyExecuteBit) == 0 ? -Errno.EACCES : 0;
    }

    /// <summary>Size changes go through the shim (they are operations of the persistence model); mode, owner and times do not.</summary>
    private unsafe int SetAttr(in FuseRequest request)
    {
        if (Backing(request.NodeId) is not { } path)
            return -Errno.ENOENT;
        var body = request.Reader();
        var valid = body.U32();
        body.U32();
        var fh = body.U64();
        var size = body.U64();
        body.U64();
        var (atime, mtime) = (body.U64(), body.U64());
        body.U64();
        var (atimeNs, mtimeNs) = (body.U32(), body.U32());
        body.U32();
        var mode = body.U32();
        body.U32();
        var (uid, gid) = (body.U32(), body.U32());

        if ((valid & FuseFlags.SetSize) != 0)
        {
            if ((valid & FuseFlags.SetFh) != 0 && _files.TryGetValue(fh, out var open))
                open.SetLength((long)size);
            else
            {
                using var file = shim.Open(path, OpenMode.OpenExisting);
                file.SetLength((long)size);
            }
        }

        if ((valid & FuseFlags.SetMode) != 0 && Check(Native.Chmod(path, mode & 0xFFF)) is < 0 and var chmodError)
            return chmodError;
        if ((valid & (FuseFlags.SetUid | FuseFlags.SetGid)) != 0
            && Check(Native.Lchown(path, (valid & FuseFlags.SetUid) != 0 ? uid : uint.MaxValue, (valid & FuseFlags.SetGid) != 0 ? gid : uint.MaxValue)) is < 0 and var chownError)
            return chownError;
        if ((valid & (FuseFlags.SetAtime | FuseFlags.SetMtime | FuseFlags.SetAtimeNow | FuseFlags.SetMtimeNow)) != 0)
        {
            var times = stackalloc long[4];
            (times[0], times[1]) = TimeSpec(valid, FuseFlags.SetAtime, FuseFlags.SetAtimeNow, atime, atimeNs);
            (times[2], times[3]) = TimeSpec(valid, FuseFlags.SetMtime, FuseFlags.SetMtimeNow, mtime, mtimeNs);
            if (Check(Native.Utimensat(Native.AT_FDCWD, path, times, Native.AT_SYMLINK_NOFOLLOW)) is < 0 and var timeError)
                return timeError;
        }

        return Attr(path, request.NodeId);
    }

    /// <summary>A struct timespec for utimensat: the time given, now (UTIME_NOW), or unchanged (UTIME_OMIT).</summary>
    private static (long Seconds, long Nanoseconds) TimeSpec(uint valid, uint set, uint setNow, ulong seconds, uint nanoseconds)
    {
        const long Now = (1L << 30) - 1, Omit = (1L << 30) - 2;
        return (valid & setNow) != 0 ? (0, Now) : (valid & set) != 0 ? ((long)seconds, nanoseconds) : (0, Omit);
    }

    private unsafe int ReadLink(in FuseRequest request)
    {
        if (Backing(request.NodeId) is not { } path)
            return -Errno.ENOENT;
        var target = _reply.Take(4096);
        nint length;
        fixed (byte* start = target)
            length = Native.Readlink(path, start, (nuint)target.Length);
        if (length < 0)
            return -Native.Errno;
        _reply.Shrink(target.Length - (int)length);
        return 0;
    }

    private int Symlink(in FuseRequest request)
    {
        var body = request.Reader();
        var (name, target) = (body.Name(), body.Name());
        return Named(request.NodeId, name, path => Native.Symlink(target, path));
    }

    /// <summary>Only regular files: created through the shim, as a program's creat(2) would be.</summary>
    private int MkNod(in FuseRequest request)
    {
        var body = request.Reader();
        var mode = body.U32();
        body.Skip(12);
        var name = body.Name();
        if ((mode & FileStat.TypeMask) != FileStat.Regular)
            return -Errno.EPERM;
        if (_nodes.PathOf(request.NodeId) is not { } parent)
            return -Errno.ENOENT;
        var rel = NodeTable.Child(parent, name);
        shim.Open(BackingOf(rel), OpenMode.CreateNew).Dispose();
        return Check(Native.Chmod(BackingOf(rel), mode & 0xFFF)) is < 0 and var error ? error : Entry(rel);
    }

    private int MkDir(in FuseRequest request)
    {
        var body = request.Reader();
        var mode = body.U32();
        body.U32();
        return Named(request.NodeId, body.Name(), path => Native.Mkdir(path, mode & 0xFFF));
    }

    private int Unlink(in FuseRequest request)
    {
        var name = request.Reader().Name();
        if (_nodes.PathOf(request.NodeId) is not { } parent)
            return -Errno.ENOENT;
        var rel = NodeTable.Child(parent, name);
        var error = FileStat.TryRead(BackingOf(rel), out var stat);
        if (error < 0)
            return error;
        if (stat.IsDirectory)
            return -Errno.EISDIR;
        shim.Delete(BackingOf(rel));
        _nodes.Unlinked(rel);
        return 0;
    }

    private int RmDir(in FuseRequest request)
    {
        var name = request.Reader().Name();
        if (_nodes.PathOf(request.NodeId) is not { } parent)
            return -Errno.ENOENT;
        var rel = NodeTable.Child(parent, name);
        if (Check(Native.Rmdir(BackingOf(rel))) is < 0 and var error)
            return error;
        _nodes.Unlinked(rel);
        return 0;
    }

    /// <summary>
    /// rename and renameat2: RENAME_NOREPLACE is honoured; RENAME_EXCHANGE is refused with EINVAL,
    /// the answer of a file system without it, because the persistence model has no exchange.
    /// </summary>
    private int Rename(in FuseRequest request, bool hasFlags)
    {
        var body = request.Reader();
        var newParent = body.U64();
        var flags = hasFlags ? body.U32() : 0;
        if (hasFlags)
            body.U32();
        var (oldName, newName) = (body.Name(), body.Name());
        if ((flags & FuseFlags.RenameExchange) != 0 || (flags & ~FuseFlags.RenameNoReplace) != 0)
            return -Errno.EINVAL;
        if (_nodes.PathOf(request.NodeId) is not { } from || _nodes.PathOf(newParent) is not { } to)
            return -Errno.ENOENT;
        var (source, target) = (NodeTable.Child(from, oldName), NodeTable.Child(to, newName));
        var error = FileStat.TryRead(BackingOf(source), out var stat);
        if (error < 0)
            return error;
        if ((flags & FuseFlags.RenameNoReplace) != 0 && FileStat.TryRead(BackingOf(target), out _) == 0)
            return -Errno.EEXIST;
        if (stat.IsDirectory)
        {
            if (Check(Native.Rename(BackingOf(source), BackingOf(target))) is < 0 and var dirError)
                return dirError;
        }
        else
            shim.Rename(BackingOf(source), BackingOf(target));
        _nodes.Renamed(source, target);
        return 0;
    }

    private int Link(in FuseRequest request)
    {
        var body = request.Reader();
        var existing = body.U64();
        var name = body.Name();
        return Backing(existing) is { } from ? Named(request.NodeId, name, path => Native.Link(from, path)) : -Errno.ENOENT;
    }

    /// <summary>Makes a new name with a libc call the persistence model does not track, and answers its entry.</summary>
    private int Named(ulong parentId, string name, Func<string, int> make)
    {
        if (_nodes.PathOf(parentId) is not { } parent)
            return -Errno.ENOENT;
        var rel = NodeTable.Child(parent, name);
        return Check(make(BackingOf(rel))) is < 0 and var error ? error : Entry(rel);
    }
}
