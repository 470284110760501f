using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Profiles;

/// <summary>Plain words for files and pending operations ("the rename of tmp over CURRENT (op 21)").</summary>
public sealed class OpNames
{
    private readonly Dictionary<long, string> _names = [];

    public OpNames(FsImage durable, IReadOnlyList<PendingOp> pending)
    {
        foreach (var (path, inode) in durable.Entries)
            _names[inode] = path;
        foreach (var op in pending)
        {
            switch (op)
            {
                case CreateOp create:
                    _names[create.CreatedInode] = create.Path;
                    break;
                case RenameOp rename:
                    _names[rename.Moved] = rename.To;
                    break;
                case UnlinkOp unlink:
                    _names.TryAdd(unlink.Unlinked, unlink.Path);
                    break;
            }
        }
    }

    public string File(long inode) => _names.TryGetValue(inode, out var name) ? name : $"inode {inode}";

    public static string Directory(string directory) => directory.Length == 0 ? "the data directory" : directory + "/";

    /// <summary>"the append to LOG (bytes 100..200) (op 7)".</summary>
    public string Describe(PendingOp op) => $"{What(op)} (op {op.Sequence})";

    public string Describe(SyncBarrier barrier)
        => $"the {barrier.KindName} of {(barrier.Inode is { } inode ? File(inode) : Directory(barrier.Directory!))} (after op {barrier.Sequence})";

    private string What(PendingOp op) => op switch
    {
        CreateOp create => $"the create of {create.Path}",
        RenameOp { Replaced: not null } rename => $"the rename of {rename.From} over {rename.To}",
        RenameOp rename => $"the rename of {rename.From} to {rename.To}",
        UnlinkOp unlink => $"the unlink of {unlink.Path}",
        SetLengthOp resize => $"the size change of {File(resize.Inode!.Value)} to {resize.Length} B",
        WriteOp write when write.End > write.OldLength => $"the append to {File(write.Inode!.Value)} (bytes {write.Offset}..{write.End})",
        WriteOp write => $"the write to {File(write.Inode!.Value)} (bytes {write.Offset}..{write.End})",
        _ => $"operation {op.Sequence}",
    };
}
