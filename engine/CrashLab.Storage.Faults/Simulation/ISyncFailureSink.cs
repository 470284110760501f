namespace CrashLab.Storage.Faults.Simulation;

/// <summary>A file that can be told its fsync failed, so the power-loss model dooms its unsynced writes.</summary>
public interface ISyncFailureSink
{
    void SyncFailed();
}
