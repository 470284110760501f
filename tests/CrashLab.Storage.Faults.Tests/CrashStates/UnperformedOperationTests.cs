using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Tests.Shim;

namespace CrashLab.Storage.Faults.Tests.CrashStates;

/// <summary>
/// The journal records each operation before it runs, so a SIGKILL can land between the record
/// and the operation. A name change the directory does not show must not come back in any state.
/// </summary>
public sealed class UnperformedOperationTests : IDisposable
{
    private static readonly byte[] Content = [1, 2, 3, 4, 5, 6, 7, 8];
    private readonly ShimHarness _shim = new(FaultPlan.None);

    public UnperformedOperationTests()
    {
        using (var file = _shim.Fs.Open(_shim.PathOf("a"), OpenMode.CreateNew))
        {
            file.Write(0, Content);
            file.Sync();
        }

        _shim.Fs.SyncDirectory(_shim.Dir.Data);
    }

    public void Dispose() => _shim.Dispose();

    [Fact]
    public void Load_KilledBetweenRenameRecordAndRename_EveryStateHasOnlyTheSourceWhole()
    {
        _shim.Journal.BeforeRename(NextOperation, _shim.PathOf("a"), _shim.PathOf("b"));

        AssertEveryStateIsOnlyA();
    }

    [Fact]
    public void Load_KilledBetweenUnlinkRecordAndUnlink_EveryStateKeepsTheFile()
    {
        _shim.Journal.BeforeDelete(NextOperation, _shim.PathOf("a"));

        AssertEveryStateIsOnlyA();
    }

    [Fact]
    public void Load_KilledBetweenCreateRecordAndCreate_NoStateHasTheFile()
    {
        _shim.Journal.Opened(NextOperation, _shim.PathOf("c"), created: true);

        AssertEveryStateIsOnlyA();
    }

    [Fact]
    public void ReplayPoint_KilledBetweenRenameRecordAndRename_CrashesJustBeforeTheRename()
    {
        var rename = NextOperation;
        _shim.Journal.BeforeRename(rename, _shim.PathOf("a"), _shim.PathOf("b"));

        var point = _shim.Builder().ReplayPoint;

        Assert.Equal((rename, false), (point.AtOp, point.Perform));
    }

    [Fact]
    public void ReplayPoint_RenamePerformed_CrashesRightAfterIt()
    {
        _shim.Fs.Rename(_shim.PathOf("a"), _shim.PathOf("b"));

        var point = _shim.Builder().ReplayPoint;

        Assert.Equal((_shim.Fs.OperationCount, true), (point.AtOp, point.Perform));
    }

    [Fact]
    public void Load_RenamePerformedButNotDurable_StatesShowEitherName()
    {
        _shim.Fs.Rename(_shim.PathOf("a"), _shim.PathOf("b"));

        var names = States().Select(s => string.Join(",", s.Entries.Keys.Order())).ToHashSet();

        Assert.Equal(["a", "b"], names.Order());
    }

    private long NextOperation => _shim.Fs.OperationCount + 1;

    private List<FsImage> States()
    {
        var builder = _shim.Builder();
        var states = new List<FsImage>();
        foreach (var mode in Enum.GetValues<CrashMode>())
        {
            for (var seed = 0UL; seed < 16; seed++)
                states.Add(builder.Compose(mode, seed));
        }

        return states;
    }

    private void AssertEveryStateIsOnlyA()
    {
        foreach (var state in States())
        {
            var (path, content) = Assert.Single(state.Files());
            Assert.Equal("a", path);
            Assert.Equal(Content, content);
        }
    }
}
