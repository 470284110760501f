using CrashLab.Fuse.Kernel;
using CrashLab.Storage;

namespace CrashLab.Fuse.Server;

/// <summary>
/// Serves the kernel's FUSE requests from a backing directory, routing every operation the
/// persistence model knows (write, set-length, fallocate, create, rename, unlink, fsync, fsyncdir,
/// and reads) through an <see cref="IFileSystem"/>: the CrashLab shim. One thread answers one
/// request at a time, so the shim sees the operations in one total order and a crash point at
/// operation k lands on the same operation in every run of the same program.
/// </summary>
internal sealed partial class FuseServer(FuseChannel channel, string backingRoot, IFileSystem shim, TextWriter log)
{
    private const int NoReply = 1;
    private const ulong ValidSeconds = 1;

    private readonly NodeTable _nodes = new();
    private readonly ReplyBuffer _reply = new();
    private readonly Dictionary<ulong, IStorageFile> _files = [];
    private readonly HashSet<ulong> _unreportedSyncErrors = [];
    private readonly string _root = Path.GetFullPath(backingRoot).TrimEnd('/');
    private ulong _nextHandle = 1;

    /// <summary>The requests received so far, by kind (read it once <see cref="Run"/> has returned).</summary>
    public RequestTally Received { get; } = new();

    /// <summary>Answers requests until the file system is unmounted.</summary>
    public void Run()
    {
        var buffer = new byte[FuseFlags.MaxWrite + 64 * 1024];
        while (channel.Receive(buffer) is var length && length > 0)
        {
            var request = FuseRequest.Parse(buffer.AsMemory(0, length));
            Received.Count(request.Opcode);
            _reply.Start(request.Unique);
            int result;
            try
            {
                result = Dispatch(request);
            }
            catch (StorageException e)
            {
                result = -(e.ErrorNumber > 0 ? e.ErrorNumber : Errno.EIO);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                log.WriteLine($"crashlab-fuse: {request.Opcode}: {e.Message}");
                result = -Errno.EIO;
            }

            if (result == NoReply)
                continue;
            if (result < 0)
                _reply.Start(request.Unique, result);
            channel.Send(_reply.Finish());
        }
    }

    private int Dispatch(in FuseRequest request) => request.Opcode switch
    {
        FuseOpcode.Init => Init(request),
        FuseOpcode.Destroy => 0,
        FuseOpcode.Forget or FuseOpcode.BatchForget or FuseOpcode.Interrupt => NoReply,
        FuseOpcode.Lookup => Lookup(request),
        FuseOpcode.GetAttr => GetAttr(request),
        FuseOpcode.SetAttr => SetAttr(request),
        FuseOpcode.ReadLink => ReadLink(request),
        FuseOpcode.Symlink => Symlink(request),
        FuseOpcode.MkNod => MkNod(request),
        FuseOpcode.MkDir => MkDir(request),
        FuseOpcode.Unlink => Unlink(request),
        FuseOpcode.RmDir => RmDir(request),
        FuseOpcode.Rename => Rename(request, hasFlags: false),
        FuseOpcode.Rename2 => Rename(request, hasFlags: true),
        FuseOpcode.Link => Link(request),
        FuseOpcode.Open => Open(request),
        FuseOpcode.Create => Create(request),
        FuseOpcode.Read => Read(request),
        FuseOpcode.Write => Write(request),
        // Nothing to do at close (no locks here, writes are through): ENOSYS once tells the kernel
        // so, and it stops sending FLUSH, a round trip on every close (it still writes back a
        // closing file's mmap-dirty pages first).
        FuseOpcode.Flush => -Errno.ENOSYS,
        FuseOpcode.Release => Release(request),
        FuseOpcode.Fsync => Fsync(request),
        FuseOpcode.Fallocate => Fallocate(request),
        // Nothing to keep per open directory (READDIR reads the backing directory from the offset
        // it is given): ENOSYS once tells the kernel so (FUSE_NO_OPENDIR_SUPPORT), and it opens
        // directories without asking, sending no OPENDIR and no RELEASEDIR, two of a directory
        // fsync's three round trips. FSYNCDIR and READDIR still come, with handle 0.
        FuseOpcode.OpenDir => -Errno.ENOSYS,
        FuseOpcode.ReadDir => ReadDir(request),
        FuseOpcode.FsyncDir => FsyncDir(request),
        FuseOpcode.StatFs => StatFs(),
        FuseOpcode.Access => Access(request),
        // No extended attributes, locks stay in the kernel, the rest the kernel does without.
        _ => -Errno.ENOSYS,
    };

    private int Init(in FuseRequest request)
    {
        var body = request.Reader();
        var major = body.U32();
        body.U32();
        var maxReadahead = body.U32();
        var offered = body.U32();
        if (major != FuseFlags.KernelMajor)
            return -Errno.EPROTO;
        _reply.U32(FuseFlags.KernelMajor).U32(FuseFlags.KernelMinor).U32(maxReadahead)
            .U32(offered & (FuseFlags.InitBigWrites | FuseFlags.InitParallelDirOps | FuseFlags.InitMaxPages))
            .U16(16).U16(12).U32(FuseFlags.MaxWrite).U32(1).U16(FuseFlags.MaxPages).U16(0).U32(0).Zeros(28);
        return 0;
    }

    /// <summary>The backing path of a node, or null (ENOENT) when it has no name left.</summary>
    private string? Backing(ulong nodeId) => _nodes.PathOf(nodeId) is { } rel ? BackingOf(rel) : null;

    private string BackingOf(string rel) => rel.Length == 0 ? _root : _root + "/" + rel;

    /// <summary>Appends fuse_entry_out for the named child, remembering its node.</summary>
    private int Entry(string rel)
    {
        var error = FileStat.TryRead(BackingOf(rel), out var stat);
        if (error < 0)
            return error;
        Entry(rel, stat);
        return 0;
    }

    /// <summary>Appends fuse_entry_out for the named child as <paramref name="stat"/> describes it, remembering its node.</summary>
    private void Entry(string rel, in FileStat stat)
    {
        var nodeId = _nodes.Remember(rel, stat.Inode);
        _reply.U64(nodeId).U64(0).U64(ValidSeconds).U64(ValidSeconds).U32(0).U32(0);
        stat.WriteAttr(_reply, nodeId);
    }

    private int Attr(string path, ulong nodeId)
    {
        var error = FileStat.TryRead(path, out var stat);
        if (error < 0)
            return error;
        _reply.U64(ValidSeconds).U32(0).U32(0);
        stat.WriteAttr(_reply, nodeId);
        return 0;
    }

    private static int Check(int result) => result == 0 ? 0 : -Native.Errno;
}
