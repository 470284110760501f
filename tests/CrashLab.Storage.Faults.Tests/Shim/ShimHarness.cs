using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Journal;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

namespace CrashLab.Storage.Faults.Tests.Shim;

/// <summary>The shim over real files in a temp directory, with its journal, and a crash that throws instead of killing.</summary>
internal sealed class ShimHarness : IDisposable
{
    private readonly UndoJournal _journal;

    /// <param name="crash">What a crash point does instead of throwing: returning is the FUSE daemon fencing its dead backend.</param>
    /// <param name="writesAfterCrash">Take writes after the crash (the kernel writing back a dead process's pages).</param>
    /// <param name="pacing">The harness's side of the lockstep (and of an armed kill).</param>
    public ShimHarness(FaultPlan plan, Action? crash = null, bool writesAfterCrash = false, OperationPacing? pacing = null)
    {
        Dir = new TempDirectory();
        _journal = new UndoJournal(Dir.Data, Dir.Trace);
        Fs = new FaultyFileSystem(PhysicalFileSystem.Instance, plan, Dir.Data, _journal, crash ?? (() => throw new CrashedException()), pacing: pacing, writesAfterCrash: writesAfterCrash,
            struckRead: StruckReads.Add);
    }

    /// <summary>Every read EIO as the shim reported it: file, byte range and occurrence.</summary>
    public List<ReadTarget> StruckReads { get; } = [];

    public sealed class CrashedException : Exception;

    public TempDirectory Dir { get; }

    public FaultyFileSystem Fs { get; }

    public string PathOf(string name) => Path.Combine(Dir.Data, name);

    public byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>The journal itself, to record an operation the shim then never performs (a kill in between).</summary>
    public UndoJournal Journal => _journal;

    public FsImage CrashState(CrashMode mode, ulong seed = 1, int sector = 512) => Builder().Compose(mode, seed, sector);

    public CrashStateBuilder Builder()
    {
        _journal.Dispose();
        return CrashStateBuilder.Load(Dir.Data, Dir.Trace);
    }

    public static FaultPlan Plan(params FaultRule[] faults) => new() { Seed = 42, Faults = faults };

    public void Dispose()
    {
        _journal.Dispose();
        Dir.Dispose();
    }
}
