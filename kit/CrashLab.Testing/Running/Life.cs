namespace CrashLab.Testing.Running;

/// <summary>
/// One life of the log under test: from an open to the next power loss (or the plan's crash
/// point). Once over, whatever the old instance still does (a late acknowledgement, a background
/// flush) no longer counts.
/// </summary>
internal sealed class Life(int index)
{
    private readonly TaskCompletionSource _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Index { get; } = index;

    /// <summary>Steps are running: storage operations now are crash points to check.</summary>
    public bool Stepping { get; set; }

    public bool Over { get; set; }

    /// <summary>Mutating storage operations that reached the disk in this life.</summary>
    public long Operations { get; set; }

    /// <summary>Faults of the plan that struck in this life.</summary>
    public int Strikes { get; set; }

    public bool CrashedAtPoint => _crashed.Task.IsCompleted;

    /// <summary>Completes when the plan's crash point fires: nothing the log answers after it is awaited.</summary>
    public Task CrashPoint => _crashed.Task;

    public void ReachCrashPoint() => _crashed.TrySetResult();
}

/// <summary>Thrown into the log under test at the fault plan's crash point: this life ends here.</summary>
internal sealed class CrashPointReachedException() : Exception("CrashLab crash point: the process stops here");
