using CrashLab.Fuse.Kernel;
using CrashLab.Storage;

namespace CrashLab.Fuse.Server;

internal sealed partial class FuseServer
{
    private const uint AccessModeMask = 3;
    private const uint CreateExclusive = 0x80;

    private int Open(in FuseRequest request)
    {
        if (Backing(request.NodeId) is not { } path)
            return -Errno.ENOENT;
        var flags = request.Reader().U32();
        var file = shim.Open(path, (flags & AccessModeMask) == 0 ? OpenMode.ReadOnly : OpenMode.OpenExisting);
        OpenOut(file);
        return 0;
    }

    private int Create(in FuseRequest request)
    {
        var body = request.Reader();
        var (flags, mode) = (body.U32(), body.U32());
        body.Skip(8);
        var name = body.Name();
        if (_nodes.PathOf(request.NodeId) is not { } parent)
            return -Errno.ENOENT;
        var rel = NodeTable.Child(parent, name);
        var path = BackingOf(rel);
        var file = shim.Open(path, (flags & CreateExclusive) != 0 ? OpenMode.CreateNew : OpenMode.OpenOrCreate);
        // The backing file is made 0644 less the daemon's umask, the mode most programs ask for
        // (the kernel has taken the caller's umask off already): chmod only when the file's mode
        // differs, which leaves the file as before and saves a path walk on most creates.
        var error = FileStat.TryRead(path, out var stat);
        if (error == 0 && (stat.Mode & 0xFFF) != (mode & 0xFFF))
        {
            error = Check(Native.Chmod(path, mode & 0xFFF));
            if (error == 0)
                error = FileStat.TryRead(path, out stat);
        }

        if (error == 0)
            Entry(rel, stat);
        if (error < 0)
        {
            file.Dispose();
            return error;
        }

        OpenOut(file);
        return 0;
    }

    private void OpenOut(IStorageFile file)
    {
        var handle = _nextHandle++;
        _files[handle] = file;
        _reply.U64(handle).U32(FuseFlags.OpenKeepCache).U32(0);
    }

    private int Read(in FuseRequest request)
    {
        var body = request.Reader();
        var (fh, offset, size) = (body.U64(), body.U64(), body.U32());
        if (!_files.TryGetValue(fh, out var file))
            return -Errno.EBADF;
        var data = _reply.Take((int)Math.Min(size, FuseFlags.MaxWrite));
        var read = file.Read((long)offset, data);
        _reply.Shrink(data.Length - read);
        return 0;
    }

    private int Write(in FuseRequest request)
    {
        var body = request.Reader();
        var (fh, offset, size) = (body.U64(), body.U64(), body.U32());
        body.Skip(20);
        if (!_files.TryGetValue(fh, out var file))
            return -Errno.EBADF;
        var data = body.Rest((int)size);
        file.Write((long)offset, data);
        _reply.U32((uint)data.Length).U32(0);
        return 0;
    }

    private int Release(in FuseRequest request)
    {
        var fh = request.Reader().U64();
        _unreportedSyncErrors.Remove(fh);
        if (_files.Remove(fh, out var file))
            file.Dispose();
        return 0;
    }

    /// <summary>
    /// fsync and fdatasync as the program asked (the datasync flag), through the shim: this is where
    /// durability is earned. A failure is Linux's, per open file: every other descriptor open on
    /// the file when it failed reports EIO once at its next fsync (errseq), then fsyncs succeed;
    /// descriptors opened later never see it. The lost data is the shim's to model.
    /// </summary>
    private int Fsync(in FuseRequest request)
    {
        var body = request.Reader();
        var (fh, flags) = (body.U64(), body.U32());
        if (!_files.TryGetValue(fh, out var file))
            return -Errno.EBADF;
        if (_unreportedSyncErrors.Remove(fh))
            return -Errno.EIO;
        try
        {
            if ((flags & FuseFlags.FsyncDataOnly) != 0)
                file.DataSync();
            else
                file.Sync();
        }
        catch (StorageException e) when (e.ErrorNumber == Errno.EIO)
        {
            foreach (var (other, open) in _files)
            {
                if (other != fh && open.Path == file.Path)
                    _unreportedSyncErrors.Add(other);
            }

            throw;
        }

        return 0;
    }

    /// <summary>
    /// fallocate: plain preallocation grows the file through the shim (ENOSPC applies); a punched
    /// hole or zeroed range is a write of zeros, which is what it is to the persistence model;
    /// KEEP_SIZE reservations change nothing a crash could show.
    /// </summary>
    private int Fallocate(in FuseRequest request)
    {
        var body = request.Reader();
        var (fh, offset, length, mode) = (body.U64(), (long)body.U64(), (long)body.U64(), body.U32());
        if (!_files.TryGetValue(fh, out var file))
            return -Errno.EBADF;
        var keepSize = (mode & FuseFlags.FallocKeepSize) != 0;
        switch (mode & ~FuseFlags.FallocKeepSize)
        {
            case 0 when !keepSize:
                if (file.Length < offset + length)
                    file.Preallocate(offset + length);
                return 0;
            case 0:
                return 0;
            case FuseFlags.FallocPunchHole or FuseFlags.FallocZeroRange:
                var end = keepSize || mode == FuseFlags.FallocPunchHole ? Math.Min(offset + length, file.Length) : offset + length;
                if (end > offset)
                    file.Write(offset, new byte[end - offset]);
                return 0;
            default:
                return -Errno.EOPNOTSUPP;
        }
    }
}
