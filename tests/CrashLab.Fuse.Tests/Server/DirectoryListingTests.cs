namespace CrashLab.Fuse.Tests.Server;

/// <summary>
/// The daemon lists a directory at its first READDIR, not at opendir: a directory opened to be
/// fsynced is never listed (a stat per entry, milliseconds per directory fsync in a directory of
/// thousands of files). Listings must stay whole and exact across many READDIR requests, and show
/// the directory as it is when the program reads it.
/// </summary>
public sealed class DirectoryListingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Listing_ManyEntriesOverManyReads_IsWholeAndExact()
    {
        var backing = _dir.Sub("backing");
        var names = Enumerable.Range(0, 500).Select(i => $"segment-{i:D6}-with-a-long-name-to-fill-pages").ToList();
        foreach (var name in names)
            File.WriteAllText(Path.Combine(backing, name), "");
        const string Script = """
            import os
            d = os.environ["CRASHLAB_DATA_DIR"]
            print("\n".join(sorted(os.listdir(d))))
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(backing, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(names, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Listing_OfADirectoryOpenedAndFsyncedBeforeACreate_ShowsTheDirectoryAsItIsWhenRead()
    {
        var backing = _dir.Sub("backing");
        const string Script = """
            import os
            os.chdir(os.environ["CRASHLAB_DATA_DIR"])
            dfd = os.open(".", os.O_RDONLY); os.fsync(dfd)
            open("first", "w").close()
            print("one", sorted(os.listdir(dfd)))
            open("second", "w").close()
            print("two", sorted(os.listdir(dfd)))  # listdir rewinds: a rewound read lists again
            os.close(dfd)
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(backing, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("one ['first']", stdout);
        Assert.Contains("two ['first', 'second']", stdout);
    }
}
