using CrashLab.Fuse.Server;

namespace CrashLab.Fuse.Tests.Server;

public sealed class NodeTableTests
{
    [Fact]
    public void Remember_SecondNameOfTheSameBackingInode_IsTheSameNode()
    {
        var nodes = new NodeTable();
        var first = nodes.Remember("log", backingInode: 42);

        Assert.Equal(first, nodes.Remember("log.link", backingInode: 42));
        Assert.NotEqual(first, nodes.Remember("other", backingInode: 43));
    }

    [Fact]
    public void Renamed_Directory_MovesEverythingBelowIt()
    {
        var nodes = new NodeTable();
        var dir = nodes.Remember("a", 10);
        var file = nodes.Remember("a/f", 11);

        nodes.Renamed("a", "b");

        Assert.Equal("b", nodes.PathOf(dir));
        Assert.Equal("b/f", nodes.PathOf(file));
    }

    [Fact]
    public void Renamed_OverAnExistingName_TheReplacedNodeLosesItsName()
    {
        var nodes = new NodeTable();
        var source = nodes.Remember("tmp", 1);
        var replaced = nodes.Remember("final", 2);

        nodes.Renamed("tmp", "final");

        Assert.Equal("final", nodes.PathOf(source));
        Assert.Null(nodes.PathOf(replaced));
    }

    [Fact]
    public void Remember_PathNowHoldingAnotherInode_IsANewNode()
    {
        var nodes = new NodeTable();
        var before = nodes.Remember("seg", 5);

        var after = nodes.Remember("seg", 6); // replaced behind the table's back (e.g. a fresh mount's view)

        Assert.NotEqual(before, after);
        Assert.Null(nodes.PathOf(before));
    }
}
