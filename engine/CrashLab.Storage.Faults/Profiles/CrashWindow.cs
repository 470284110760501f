using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>
/// What a power loss at one instant may still change: the posix-durable base image, the
/// operations that are not durable under posix (in issue order), and the successful syncs that
/// stronger profiles turn into commit points. Every profile's crash states of a kill are
/// assignments of outcomes to <see cref="Pending"/>, applied to <see cref="Durable"/>.
/// </summary>
public sealed class CrashWindow
{
    private readonly HashSet<long> _touched;
    private readonly Lazy<StateFingerprint> _fingerprint;
    private readonly Lazy<SectorPages> _pages;

    public CrashWindow(FsImage durable, IReadOnlyList<PendingOp> pending, IReadOnlyList<SyncBarrier> barriers, int sectorSize = 512)
    {
        if (sectorSize <= 0 || ChangeHistory.BlockSize % sectorSize != 0)
            throw new ArgumentOutOfRangeException(nameof(sectorSize), sectorSize, $"the sector size must divide {ChangeHistory.BlockSize}");
        Durable = durable;
        Pending = pending;
        Barriers = barriers;
        SectorSize = sectorSize;
        _touched = [.. pending.SelectMany(InodesOf)];
        Names = new OpNames(durable, pending);
        _fingerprint = new Lazy<StateFingerprint>(() => new StateFingerprint(this, _touched));
        _pages = new Lazy<SectorPages>(() => new SectorPages(durable, pending, sectorSize));
    }

    public FsImage Durable { get; }

    public IReadOnlyList<PendingOp> Pending { get; }

    public IReadOnlyList<SyncBarrier> Barriers { get; }

    public int SectorSize { get; }

    /// <summary>Plain names of the operations and files, for sentences.</summary>
    public OpNames Names { get; }

    /// <summary>The sectors pending writes cover in part, as each reaches the disk (with the earlier writes' bytes).</summary>
    public SectorPages Pages => _pages.Value;

    /// <summary>The same window with another sector size.</summary>
    public CrashWindow WithSectorSize(int sectorSize) => sectorSize == SectorSize ? this : new CrashWindow(Durable, Pending, Barriers, sectorSize);

    /// <summary>
    /// The state an assignment leaves. With <paramref name="shareUntouched"/> the files no pending
    /// operation touches are shared with <see cref="Durable"/> (cheap; the image must then only be read).
    /// </summary>
    public FsImage Apply(CrashAssignment assignment, bool shareUntouched = false)
    {
        var image = shareUntouched ? Durable.CloneOnly(_touched) : Durable.Clone();
        for (var i = 0; i < Pending.Count; i++)
        {
            assignment[i].Apply(this, i, image);
            if (Pending[i] is WriteOp && assignment[i].Kind(Pending[i], SectorSize) == OutcomeKind.Torn)
                image.TornWrites++;
        }

        return image;
    }

    /// <summary>Every pending operation kept whole: what a process crash leaves, whatever the profile (the page cache outlives the process).</summary>
    public CrashAssignment KeepAll() => new([.. Pending.Select(op => OpOutcome.Whole(op, SectorSize))]);

    /// <summary>
    /// Names the bytes a state of this window leaves, cheaply (no copy or hash of whole files):
    /// equal for two assignments exactly when they leave the same names, inodes and bytes.
    /// </summary>
    public string Fingerprint(CrashAssignment assignment) => _fingerprint.Value.Of(assignment);

    /// <summary>What became of each pending operation (for reports).</summary>
    public List<OpFate> Fates(CrashAssignment assignment)
    {
        var fates = new List<OpFate>(Pending.Count);
        for (var i = 0; i < Pending.Count; i++)
        {
            var kind = assignment[i].Kind(Pending[i], SectorSize);
            fates.Add(new OpFate(Pending[i].Sequence, kind switch { OutcomeKind.Kept => "kept", OutcomeKind.Torn => "torn", _ => "lost" }, assignment[i].Detail(Pending[i], SectorSize)));
        }

        return fates;
    }

    /// <summary>Every inode an operation may change or name.</summary>
    public static IEnumerable<long> InodesOf(PendingOp op) => op switch
    {
        RenameOp rename => rename.Replaced is { } replaced ? [rename.Moved, replaced] : [rename.Moved],
        UnlinkOp unlink => [unlink.Unlinked],
        CreateOp create => [create.CreatedInode],
        _ => op.Inode is { } inode ? [inode] : [],
    };
}
