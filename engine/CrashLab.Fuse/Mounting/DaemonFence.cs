using CrashLab.Storage;
using CrashLab.Storage.Faults.Shim;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// The harness's timed kill (SIGTERM to the daemon), whenever in the daemon's life it comes. The
/// backend is started before the shim exists (its program loads while the daemon sets the shim
/// up), so the kill may come first: the backend's group is then killed at once, and the kill is
/// recorded in the shim's journal as soon as the shim exists, before its first operation (no
/// request can have been served: the server starts only after <see cref="Attach"/>).
/// </summary>
internal sealed class DaemonFence(BackendGroup group)
{
    private readonly object _gate = new();
    private FaultyFileSystem? _shim;
    private bool _asked;

    /// <summary>The fence: after the last operation the shim numbered, the backend's group is SIGKILLed and the kill journaled.</summary>
    public void Fence()
    {
        lock (_gate)
        {
            _asked = true;
            if (_shim != null)
                _shim.Fence(); // its crash action kills the group
            else
                group.Kill();
        }
    }

    /// <summary>The shim now exists: a fence asked for before is recorded in it now.</summary>
    public void Attach(IFileSystem shim)
    {
        lock (_gate)
        {
            if (shim is not FaultyFileSystem faulty)
                return; // no journal: the group kill was all a fence had to do
            _shim = faulty;
            if (_asked)
                faulty.Fence();
        }
    }
}
