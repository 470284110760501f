using CrashLab.Storage.Faults.Model;

namespace CrashLab.Storage.Faults.Tests;

/// <summary>
/// A seeded random sequence of storage operations (creates, writes, syncs, size changes, renames,
/// unlinks, directory syncs) that runs the same way on any file system rooted anywhere.
/// </summary>
internal sealed class OpScript
{
    private readonly List<Action<IFileSystem, string, Dictionary<string, IStorageFile>>> _steps = [];

    public static OpScript Random(ulong seed, int count, bool deletes = true)
    {
        var random = new SplitMix(seed);
        var script = new OpScript();
        var names = new[] { "a", "b", "c" };
        for (var i = 0; i < count; i++)
        {
            var name = names[random.Below(names.Length)];
            var offset = random.Below(6) * 300L;
            var length = 1 + random.Below(1500);
            var fill = (byte)(1 + random.Below(255));
            var other = names[random.Below(names.Length)];
            var newLength = random.Below(4000);
            script._steps.Add(random.Below(10) switch
            {
                0 or 1 or 2 => (fs, root, open) => File(fs, root, open, name).Write(offset, Enumerable.Repeat(fill, length).ToArray()),
                3 => (fs, root, open) => File(fs, root, open, name).DataSync(),
                4 => (fs, root, open) => File(fs, root, open, name).Sync(),
                5 => (fs, root, open) => File(fs, root, open, name).SetLength(newLength),
                6 => (fs, root, _) => fs.SyncDirectory(root),
                7 => (fs, root, open) =>
                {
                    if (deletes && name != other && fs.Exists(Path.Combine(root, name)))
                    {
                        fs.Rename(Path.Combine(root, name), Path.Combine(root, other));
                        if (open.Remove(other, out var replaced))
                            replaced.Dispose();
                        if (open.Remove(name, out var moved))
                            open[other] = moved;
                    }
                },
                8 => (fs, root, open) =>
                {
                    if (deletes && fs.Exists(Path.Combine(root, name)))
                    {
                        fs.Delete(Path.Combine(root, name));
                        if (open.Remove(name, out var gone))
                            gone.Dispose();
                    }
                },
                _ => (fs, root, open) => File(fs, root, open, name).Preallocate(offset + length),
            });
        }

        return script;
    }

    /// <summary>A script of fixed steps, written out by the test.</summary>
    public static OpScript Of(Action<IFileSystem, string> steps)
    {
        var script = new OpScript();
        script._steps.Add((fs, root, _) => steps(fs, root));
        return script;
    }

    public void Run(IFileSystem fs, string root)
    {
        var open = new Dictionary<string, IStorageFile>();
        foreach (var step in _steps)
            step(fs, root, open);
        foreach (var file in open.Values)
            file.Dispose();
    }

    private static IStorageFile File(IFileSystem fs, string root, Dictionary<string, IStorageFile> open, string name)
    {
        if (!open.TryGetValue(name, out var file))
            open[name] = file = fs.Open(Path.Combine(root, name), OpenMode.OpenOrCreate);
        return file;
    }
}
