using CrashLab.Storage.Faults.Model;

namespace CrashLab.Conformance.Tests.Simulation;

public enum SimStepKind
{
    Append,
    Sync,
    Truncate,

    /// <summary>Power loss now; the chain goes on from the crash state.</summary>
    Crash,
}

/// <summary>
/// One step of a simulated chain. Append: <see cref="Records"/> records of about <see cref="Size"/>
/// bytes each, sync or not. Truncate: keep <see cref="Param"/> percent of the live log. Crash: the
/// crash state's mode and sector size come from <see cref="Param"/>.
/// </summary>
public readonly record struct SimStep(SimStepKind Kind, int Records, int Size, bool Sync, int Param)
{
    public override string ToString() => Kind switch
    {
        SimStepKind.Append => $"append {Records}x{Size}B{(Sync ? " sync" : "")}",
        SimStepKind.Truncate => $"truncate keep {Param}%",
        SimStepKind.Crash => $"crash {Mode.Name()}/{SectorSize}",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    public CrashMode Mode => (CrashMode)(Param % 3);

    public int SectorSize => Param / 3 % 2 == 0 ? 512 : 4096;
}

/// <summary>Faults a simulated chain runs under (all of its lives).</summary>
public enum SimFault
{
    None,
    FsyncEio,
    WriteEio,
    NoSpace,

    /// <summary>Reads fail during each recovery (probed on a copy; a clean recovery follows).</summary>
    ReadEioInRecovery,

    /// <summary>A bit flipped in a segment after each crash.</summary>
    BitFlipAtRest,
}

/// <summary>
/// A whole simulated chain: steps (with crashes between lives), an optional crash point in the
/// first life (by storage operation number, maybe half-performed), the faults, and the seed of
/// every random choice the steps leave open.
/// </summary>
public sealed record SimCase(SimStep[] Steps, int CrashPointOp, int CrashPointBytes, SimFault Fault, ulong Seed)
{
    public int RecordBytes => Steps.Where(s => s.Kind == SimStepKind.Append).Sum(s => s.Records * s.Size);

    public override string ToString()
        => $"seed {Seed}, fault {Fault}, crash point {(CrashPointOp == 0 ? "none" : $"op {CrashPointOp}" + (CrashPointBytes > 0 ? $" ({CrashPointBytes} B)" : ""))}, "
            + $"{Steps.Length} steps [{string.Join("; ", Steps)}]";
}
