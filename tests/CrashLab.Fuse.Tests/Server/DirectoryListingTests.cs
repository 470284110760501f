namespace CrashLab.Fuse.Tests.Server;

/// <summary>
/// The daemon keeps nothing per open directory (it answers OPENDIR with ENOSYS): each READDIR reads
/// the backing directory from the kernel's offset, a cookie of the backing file system. Listings
/// must stay whole and exact across many READDIR requests, also while names come and go between
/// them, and show the directory as it is when the program reads it.
/// </summary>
public sealed class DirectoryListingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Listing_ManyEntriesOverManyReads_IsWholeAndExact()
    {
        var (backing, names) = BackingWithFiles(500);
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

    /// <summary>
    /// The offsets must survive changes between READDIRs: a program that removes each name as it
    /// reads it (rm -r does) must still meet every name once. Offsets that were indexes into a
    /// listing taken afresh would skip names here.
    /// </summary>
    [Fact]
    public async Task Listing_WhileTheProgramRemovesWhatItHasRead_MeetsEveryNameOnce()
    {
        var (backing, names) = BackingWithFiles(400);
        const string Script = """
            import os
            d = os.environ["CRASHLAB_DATA_DIR"]
            seen = []
            with os.scandir(d) as entries:
                for entry in entries:
                    seen.append(entry.name)
                    os.unlink(entry.path)
            print("\n".join(sorted(seen)))
            print("left", len(os.listdir(d)))
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(backing, Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([.. names, "left 0"], lines);
    }

    /// <summary>A backing directory of <paramref name="count"/> empty files, names long enough that a listing takes many READDIRs; the names in order.</summary>
    private (string Backing, List<string> Names) BackingWithFiles(int count)
    {
        var backing = _dir.Sub("backing");
        var names = Enumerable.Range(0, count).Select(i => $"segment-{i:D6}-with-a-long-name-to-fill-pages").ToList();
        foreach (var name in names)
            File.WriteAllText(Path.Combine(backing, name), "");
        return (backing, names);
    }
}
