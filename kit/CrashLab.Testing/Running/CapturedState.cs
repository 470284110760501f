using CrashLab.Harness.Oracle;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Testing.Running;

/// <summary>A crash state taken during a run, with the oracle's model as it stood at that instant, waiting to be judged.</summary>
internal sealed record CapturedState(SimulatedDisk Disk, ChainModelState Model, string Where, CrashMode Mode, ulong Seed)
{
    public string Describe() => $"a power loss {Where}, crash state {Mode.Name()} (seed {Seed})";

    /// <summary>The files of the state as recovery found them: name and size.</summary>
    public string Files() => string.Join(", ", Disk.LiveImage().Files().Select(f => $"{Path.GetFileName(f.Path)} ({f.Content.Length} B)"));
}
