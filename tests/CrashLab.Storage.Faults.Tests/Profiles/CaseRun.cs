using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Simulation;
using CrashLab.Storage.Faults.Tests.Shim;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// A worked case run as plain file operations (create, append, write, truncate, fallocate, fsync, fdatasync, rename,
/// unlink, directory fsync) on the simulated disk or through the shim and its undo journal on
/// real files; then the window of a power loss at its end, and its states described compactly.
/// </summary>
internal sealed class CaseRun : IDisposable
{
    private readonly Dictionary<string, IStorageFile> _open = new(StringComparer.Ordinal);
    private readonly ShimHarness? _shim;
    private readonly SimulatedDisk? _disk;
    private readonly IFileSystem _fs;
    private readonly string _root;

    public CaseRun(bool throughJournal)
    {
        if (throughJournal)
        {
            _shim = new ShimHarness(FaultPlan.None);
            _fs = _shim.Fs;
            _root = _shim.Dir.Data;
        }
        else
        {
            _disk = new SimulatedDisk("/sim");
            _disk.CreateDirectory("/sim");
            _fs = _disk;
            _root = "/sim";
        }
    }

    /// <summary>Both ways a case can run: on the simulated disk, and through the journal.</summary>
    public static TheoryData<bool> Backends => new() { false, true };

    public CaseRun Create(string name)
    {
        _open[name] = _fs.Open(Path.Combine(_root, name), OpenMode.CreateNew);
        return this;
    }

    public CaseRun Append(string name, int count, byte fill) => Write(name, File(name).Length, count, fill);

    public CaseRun Write(string name, long offset, int count, byte fill)
    {
        File(name).Write(offset, Enumerable.Repeat(fill, count).ToArray());
        return this;
    }

    public CaseRun Truncate(string name, long length)
    {
        File(name).SetLength(length);
        return this;
    }

    /// <summary>Preallocates up to <paramref name="length"/> (fallocate, growing the size).</summary>
    public CaseRun Fallocate(string name, long length)
    {
        File(name).Preallocate(length);
        return this;
    }

    public CaseRun Fsync(string name)
    {
        File(name).Sync();
        return this;
    }

    public CaseRun Fdatasync(string name)
    {
        File(name).DataSync();
        return this;
    }

    public CaseRun FsyncDir()
    {
        _fs.SyncDirectory(_root);
        return this;
    }

    public CaseRun Rename(string from, string to)
    {
        _fs.Rename(Path.Combine(_root, from), Path.Combine(_root, to));
        if (_open.Remove(to, out var replaced))
            replaced.Dispose();
        if (_open.Remove(from, out var moved))
            _open[to] = moved;
        return this;
    }

    public CaseRun Unlink(string name)
    {
        _fs.Delete(Path.Combine(_root, name));
        if (_open.Remove(name, out var gone))
            gone.Dispose();
        return this;
    }

    /// <summary>A file made durable with its content: created, written, fsynced, directory fsynced.</summary>
    public CaseRun Durable(string name, int count, byte fill) => Create(name).Append(name, count, fill).Fsync(name).FsyncDir();

    /// <summary>The window of a power loss now.</summary>
    public CrashWindow Window(int sectorSize = 512)
    {
        if (_disk != null)
            return _disk.Window(sectorSize);
        Close();
        return _shim!.Builder().Window(sectorSize);
    }

    /// <summary>"a=61*512 b=" : each visible file, its bytes as runs of (value * count).</summary>
    public static string Show(FsImage image)
        => string.Join(" ", image.Files().Select(f => $"{f.Path}={Runs(f.Content)}"));

    /// <summary>The distinct states of a profile's exhaustive enumeration, shown.</summary>
    public static SortedSet<string> States(CrashWindow window, PersistenceProfile profile, EnumerationLimits? limits = null)
    {
        var enumeration = CrashEnumerator.Enumerate(profile, window, limits ?? new EnumerationLimits { MaxStates = 4096, TornSectors = 6 });
        Assert.True(enumeration.Exhaustive, $"{profile.Name}: {enumeration.Summary}");
        return new SortedSet<string>(enumeration.States.Select(s => Show(s.Compose())), StringComparer.Ordinal);
    }

    /// <summary>The assignment that keeps every pending operation whole except as <paramref name="outcome"/> says (by operation kind and file).</summary>
    public static CrashAssignment Assign(CrashWindow window, Func<PendingOp, string, OpOutcome?> outcome)
        => new([.. window.Pending.Select(op => outcome(op, window.Names.Describe(op)) ?? OpOutcome.Whole(op, window.SectorSize))]);

    public void Dispose()
    {
        Close();
        _shim?.Dispose();
    }

    private void Close()
    {
        foreach (var file in _open.Values)
            file.Dispose();
        _open.Clear();
    }

    private IStorageFile File(string name)
    {
        if (!_open.TryGetValue(name, out var file))
            _open[name] = file = _fs.Open(Path.Combine(_root, name), OpenMode.OpenExisting);
        return file;
    }

    private static string Runs(byte[] content)
    {
        var runs = new List<string>();
        for (var i = 0; i < content.Length;)
        {
            var j = i;
            while (j < content.Length && content[j] == content[i])
                j++;
            runs.Add($"{content[i]}*{j - i}");
            i = j;
        }

        return string.Join(",", runs);
    }
}
