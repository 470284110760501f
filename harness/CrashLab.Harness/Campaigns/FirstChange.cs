using System.Diagnostics;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// When a starting backend first changes its data directory (inotify, through a
/// <see cref="FileSystemWatcher"/>), measured from when the watch began.
/// Why it matters: a kill during recovery can only leave a new state from that moment on; before
/// it the directory is exactly what the last crash left. On a fast file system (tmpfs, where an
/// fsync costs nothing) a recovery's rewrite is a few milliseconds at the end of a start that the
/// interpreter's own start-up dominates, so kills timed over the whole start would rarely land in it.
/// </summary>
public sealed class FirstChange : IDisposable
{
    private readonly long _since = Stopwatch.GetTimestamp();
    private readonly FileSystemWatcher? _watcher;
    private readonly TaskCompletionSource<TimeSpan> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Action? _onFirst;

    private FirstChange(string directory, Action? onFirst)
    {
        _onFirst = onFirst;
        try
        {
            _watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Changed += Changed;
            _watcher.Created += Changed;
            _watcher.Deleted += Changed;
            _watcher.Renamed += Changed;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // No inotify here (or no watches left): nothing is seen, and kills fall back to the whole start.
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    /// <summary>Starts watching <paramref name="directory"/> (and everything under it) now.</summary>
    /// <param name="onFirst">Run on the watcher's own thread when the first change is seen, before anything awaiting <see cref="Seen"/> resumes.</param>
    public static FirstChange Watch(string directory, Action? onFirst = null) => new(directory, onFirst);

    /// <summary>How long after the watch began the first change was seen; null if none was yet (or none can be: no watch).</summary>
    public TimeSpan? At => _seen.Task.IsCompleted ? _seen.Task.Result : null;

    /// <summary>Completes when the first change is seen (never, when nothing changes or nothing could be watched).</summary>
    public Task<TimeSpan> Seen => _seen.Task;

    private void Changed(object sender, FileSystemEventArgs e)
    {
        var at = Stopwatch.GetElapsedTime(_since);
        if (_seen.Task.IsCompleted)
            return;
        _onFirst?.Invoke();
        _seen.TrySetResult(at);
    }

    public void Dispose() => _watcher?.Dispose();
}
