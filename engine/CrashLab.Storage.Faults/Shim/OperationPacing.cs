using System.Diagnostics;
using System.IO.MemoryMappedFiles;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>
/// Lockstep between the harness and the shim, so that a replay interleaves requests and file-system
/// operations as the original run did. Two counters shared through a small memory-mapped file: the
/// shim publishes how many mutating operations have begun; the harness records that count with
/// every request it sends, and in a replay sends request i only once the count reaches what it was,
/// while the shim holds operation n until the harness allows it (it has sent every request the
/// original had sent before operation n began). Each side gives up waiting after a stall, so a
/// backend that now behaves differently (a fixed one) only loses the pacing, never hangs.
/// A third counter arms a campaign's timed kill (<see cref="ArmKill"/>): the shim then kills the
/// backend itself just before its next flush that would make unsynced operations durable, so the
/// kill leaves a window of pending operations rather than, most often, none.
/// </summary>
public sealed unsafe class OperationPacing : IDisposable
{
    public const string Variable = "CRASHLAB_PACING";

    /// <summary>How long either side waits for the other before it stops pacing.</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

    private const int Size = 24;
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long* _counters;
    private bool _gaveUp;

    private OperationPacing(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, null, Size, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, Size);
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _counters = (long*)start;
    }

    /// <summary>A fresh pacing file: nothing begun, everything allowed.</summary>
    public static OperationPacing Create(string path)
    {
        File.WriteAllBytes(path, new byte[Size]);
        var pacing = new OperationPacing(path);
        pacing.Allow(long.MaxValue);
        return pacing;
    }

    public static OperationPacing Open(string path) => new(path);

    /// <summary>Mutating operations begun so far.</summary>
    public long Begun => Volatile.Read(ref _counters[0]);

    /// <summary>The harness: operations up to <paramref name="op"/> may begin.</summary>
    public void Allow(long op) => Volatile.Write(ref _counters[1], op);

    /// <summary>
    /// The harness, at a timed kill's drawn moment: from now on the shim kills the backend just before
    /// the next flush (fsync, fdatasync, directory fsync) that finds operations not yet synced.
    /// </summary>
    public void ArmKill() => Volatile.Write(ref _counters[2], 1);

    /// <summary>The shim: whether the harness has armed the kill before the next flush.</summary>
    public bool KillArmed => Volatile.Read(ref _counters[2]) != 0;

    /// <summary>The shim, as it fires the armed kill: so the harness can tell it from the plan's crash point (both are the shim's SIGKILL).</summary>
    public void ArmedKillFiring() => Volatile.Write(ref _counters[2], ArmedKillFired);

    /// <summary>The harness, after the run: whether the backend died of the armed kill (not of its crash point, nor of the harness's own SIGKILL).</summary>
    public bool KilledByArmedKill => Volatile.Read(ref _counters[2]) == ArmedKillFired;

    private const long ArmedKillFired = 2;

    /// <summary>The shim, before operation <paramref name="op"/>: waits until it is allowed, then publishes it.</summary>
    public void Begin(long op)
    {
        if (!_gaveUp && Volatile.Read(ref _counters[1]) < op)
            _gaveUp = !WaitFor(() => Volatile.Read(ref _counters[1]) >= op);
        Volatile.Write(ref _counters[0], op);
    }

    /// <summary>The harness, before a paced request: waits until the shim has begun <paramref name="op"/> operations; false after a stall.</summary>
    public bool AwaitBegun(long op) => Begun >= op || WaitFor(() => Begun >= op);

    private static bool WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (!condition())
        {
            if (clock.Elapsed > Stall)
                return false;
            spin.SpinOnce(sleep1Threshold: 50);
        }

        return true;
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
