namespace CrashLab.Harness.Backends;

/// <summary>
/// The environment of protocol.md: CRASHLAB_DATA_DIR and CRASHLAB_PROTOCOL=1 always; the fault
/// plan and trace directory only for white-box backends. Any other CRASHLAB_* variable of the
/// harness's own environment is removed; the rest (PATH, HOME, ...) is inherited so that a
/// command such as "python3 my_wal.py" still resolves.
/// </summary>
public sealed record BackendEnvironment(string DataDir, string? FaultPlan = null, string? TraceDir = null, string? Pacing = null)
{
    public void ApplyTo(IDictionary<string, string?> environment, bool whiteBox)
    {
        foreach (var key in environment.Keys.Where(k => k.StartsWith("CRASHLAB_", StringComparison.Ordinal)).ToList())
            environment.Remove(key);
        environment["CRASHLAB_DATA_DIR"] = Path.GetFullPath(DataDir);
        environment["CRASHLAB_PROTOCOL"] = "1";
        if (whiteBox && FaultPlan != null)
            environment["CRASHLAB_FAULT_PLAN"] = Path.GetFullPath(FaultPlan);
        if (whiteBox && TraceDir != null)
            environment["CRASHLAB_TRACE_DIR"] = Path.GetFullPath(TraceDir);
        if (whiteBox && Pacing != null)
            environment[Storage.Faults.Shim.OperationPacing.Variable] = Path.GetFullPath(Pacing);
    }
}
