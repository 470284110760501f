using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Storage.Faults.CrashStates;

/// <summary>
/// After a backend died, builds the states a power loss at that instant may have left: from the
/// data directory as the kill left it, and the undo journal, it undoes every non-durable
/// operation (newest first) to find the durable base and what each write put down, then lets
/// a persistence profile choose, from a seed, what survived (posix when none is named), or
/// enumerate every state a profile admits. Deterministic from the seed.
/// </summary>
public sealed partial class CrashStateBuilder
{
    private readonly FsImage _durable;
    private readonly IReadOnlyList<PendingOp> _pending;
    private readonly IReadOnlyList<PendingOp> _beforeKill;
    private readonly IReadOnlyList<SyncBarrier> _barriers;

    private CrashStateBuilder(FsImage durable, IReadOnlyList<PendingOp> pending, long? killedAt, IReadOnlyList<SyncBarrier> barriers, CrashPoint replayPoint, IReadOnlyList<JournalEvent> events, CrashStateFiles files)
    {
        Events = events;
        Files = files;
        _durable = durable;
        _pending = pending;
        _beforeKill = killedAt is { } op ? [.. pending.Where(p => p.Sequence <= op)] : pending;
        _barriers = barriers;
        ReplayPoint = replayPoint;
    }

    /// <summary>
    /// Operations that reached the shim after the kill: through FUSE, the kernel writing back the
    /// dead process's dirty shared pages (the daemon outlives its backend). A process crash keeps
    /// them (the page cache outlives the process); a power cut at the kill instant never saw them.
    /// </summary>
    public IReadOnlyList<long> AfterKillOperations => [.. _pending.Skip(_beforeKill.Count).Select(op => op.Sequence)];

    /// <summary>
    /// The crash point that replays this kill: at the last operation the journal records, after
    /// it, or before it when the directory shows that a name change it records never ran.
    /// </summary>
    public CrashPoint ReplayPoint { get; }

    /// <summary>Operations a power loss could still undo.</summary>
    public int PendingOperations => _pending.Count;

    public static CrashStateBuilder Load(string dataDir, string traceDir)
    {
        var state = JournalFile.Replay(traceDir);
        var performed = state.WithdrawUnperformed(rel => File.Exists(Path.Combine(dataDir, rel)));
        var image = LoadImage(dataDir, state);
        // The directory as the kill left it, the base states are cloned from (the clone shares the bytes until Undo changes them).
        var files = new CrashStateFiles(dataDir, image.Clone(), state.Tracker.Pending);
        foreach (var op in state.Tracker.Pending)
        {
            foreach (var inode in CrashWindow.InodesOf(op))
            {
                if (!image.Inodes.ContainsKey(inode))
                {
                    var kept = JournalFile.LinkPath(traceDir, inode);
                    image.Inodes[inode] = new FileData(File.Exists(kept) ? File.ReadAllBytes(kept) : []);
                }
            }
        }

        var pending = state.Tracker.Pending;
        for (var i = pending.Count - 1; i >= 0; i--)
            Undo(image, pending[i], state.Undos);
        // A kill just before operation k is the same instant as one just after k - 1: named the
        // latter way, as the journal alone names it, so a shrink sees the earliest operation.
        var replayPoint = state.Kill switch
        {
            { Performed: false, Op: > 1 } before => new CrashPoint { AtOp = before.Op - 1 },
            { } kill => new CrashPoint { AtOp = kill.Op, Perform = kill.Performed },
            null => new CrashPoint { AtOp = state.LastOperation, Perform = performed },
        };
        return new CrashStateBuilder(image, pending, state.Kill?.Op, [.. state.Tracker.History.Barriers], replayPoint, [.. state.Events], files);
    }

    /// <summary>The latest operations the journal recorded, oldest first (at most <c>JournalState.EventLimit</c>).</summary>
    public IReadOnlyList<JournalEvent> Events { get; }

    /// <summary>What the posix crash state of this mode and seed does with each pending operation; operations not listed were durable.</summary>
    public List<OpFate> Explain(CrashMode mode, ulong seed, int sectorSize = 512) => Explain(KnownProfiles.Posix, mode, seed, sectorSize);

    /// <summary>One posix crash state, in memory.</summary>
    public FsImage Compose(CrashMode mode, ulong seed, int sectorSize = 512) => Compose(KnownProfiles.Posix, mode, seed, sectorSize);

    /// <summary>Up to <paramref name="count"/> distinct posix crash states, trying seeds from <paramref name="seed"/> on.</summary>
    public List<(ulong Seed, FsImage State)> Distinct(int count, CrashMode mode, ulong seed, int sectorSize = 512, int attempts = 0)
        => Distinct(KnownProfiles.Posix, count, mode, seed, sectorSize, attempts);

    /// <summary>
    /// Writes a state of this kill as a directory (which must not exist yet, or be empty), cloning
    /// from the data directory as the kill left it what the state leaves unchanged
    /// (<see cref="CrashStateFiles"/>); the data directory must not have changed since
    /// <see cref="Load"/>.
    /// </summary>
    public CrashStateFiles.Written WriteTo(FsImage state, string directory) => Files.Write(state, directory);

    /// <summary>How this kill's states are written (<see cref="WriteTo"/>).</summary>
    public CrashStateFiles Files { get; }

    private static FsImage LoadImage(string dataDir, JournalState state)
    {
        var image = new FsImage();
        var next = state.NextInode;
        foreach (var file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(dataDir, file).Replace('\\', '/');
            var inode = state.Inodes.TryGetValue(rel, out var known) ? known : next++;
            image.Entries[rel] = inode;
            image.Inodes[inode] = new FileData(File.ReadAllBytes(file));
        }

        return image;
    }

    /// <summary>Reverses one operation on the image; for a write, first keeps the bytes it put down.</summary>
    private static void Undo(FsImage image, PendingOp op, Dictionary<long, JournalState.Undo> undos)
    {
        switch (op)
        {
            case WriteOp write:
            {
                var data = image.Data(write.Inode!.Value);
                var undo = undos[write.Sequence];
                write.Data = data.Slice(write.Offset, write.Length);
                if (undo.BeforeLength > 0)
                    data.Write(write.Offset, undo.Before ?? new byte[undo.BeforeLength]);
                if (data.Length > undo.OldLength)
                    data.SetLength(undo.OldLength);
                break;
            }

            case SetLengthOp resize:
            {
                var data = image.Data(resize.Inode!.Value);
                var undo = undos[resize.Sequence];
                data.SetLength(undo.OldLength);
                if (undo.BeforeLength > 0)
                    data.Write(resize.Length, undo.Before);
                break;
            }

            case CreateOp create when image.Entries.TryGetValue(create.Path, out var inode) && inode == create.CreatedInode:
                image.Entries.Remove(create.Path);
                break;
            case RenameOp rename when image.Entries.TryGetValue(rename.To, out var inode) && inode == rename.Moved:
                image.Entries[rename.From] = rename.Moved;
                if (rename.Replaced is { } replaced)
                    image.Entries[rename.To] = replaced;
                else
                    image.Entries.Remove(rename.To);
                break;
            case UnlinkOp unlink when !image.Entries.ContainsKey(unlink.Path):
                image.Entries[unlink.Path] = unlink.Unlinked;
                break;
        }
    }
}
