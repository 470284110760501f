using CrashLab.Harness.Oracle;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Testing.Running;

/// <summary>A crash state taken during a run, with the oracle's model as it stood at that instant, waiting to be judged. <c>State</c> names which state of the crash point it is ("drop-all (seed N)", "ext4-ordered state 3 of 12, every one the profile admits").</summary>
internal sealed record CapturedState(SimulatedDisk Disk, ChainModelState Model, string Where, string State)
{
    public string Describe() => $"a power loss {Where}, crash state {State}";

    /// <summary>The files of the state as recovery found them: name and size.</summary>
    public string Files() => string.Join(", ", Disk.LiveFiles().Select(f => $"{Path.GetFileName(f.Path)} ({f.Length} B)"));
}
