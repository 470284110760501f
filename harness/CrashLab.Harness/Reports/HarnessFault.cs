using System.Text.RegularExpressions;

namespace CrashLab.Harness.Reports;

/// <summary>
/// The harness's own trouble with the machine (a full or read-only file system, a report directory
/// deleted under it): told apart from a backend's findings and from CrashLab's bugs, and said in
/// one line that names the path and the errno.
/// </summary>
public static partial class HarnessFault
{
    private static readonly Dictionary<int, string> ErrnoNames = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [5] = "EIO", [13] = "EACCES", [16] = "EBUSY", [17] = "EEXIST", [20] = "ENOTDIR", [21] = "EISDIR",
        [24] = "EMFILE", [27] = "EFBIG", [28] = "ENOSPC", [30] = "EROFS", [36] = "ENAMETOOLONG", [39] = "ENOTEMPTY", [107] = "ENOTCONN", [122] = "EDQUOT",
    };

    /// <summary>Whether <paramref name="e"/> is the machine failing the harness (exit 3), not a bug.</summary>
    public static bool Is(Exception e) => e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception;

    /// <summary>"PATH: what went wrong (ENAME)" when the exception says which path; else its message with the errno.</summary>
    public static string Describe(Exception e)
    {
        if (e is HarnessWriteException)
            return e.Message;
        var errno = Errno(e);
        var name = errno is { } n ? ErrnoNames.GetValueOrDefault(n, $"errno {n}") : null;
        var message = e.Message;
        if (DotnetPathMessage().Match(message) is { Success: true } m)
            message = $"{m.Groups["path"].Value}: {m.Groups["what"].Value}";
        return name == null ? message : $"{message} ({name})";
    }

    /// <summary>Writing <paramref name="path"/> failed: the same failure, said with the path and the errno.</summary>
    public static HarnessWriteException Writing(string path, Exception e)
    {
        var errno = Errno(e);
        var what = e.InnerException is IOException inner && e is UnauthorizedAccessException ? inner.Message : DotnetPathMessage().Match(e.Message) is { Success: true } m ? m.Groups["what"].Value : e.Message;
        var name = errno is { } n ? $" ({ErrnoNames.GetValueOrDefault(n, $"errno {n}")})" : e is UnauthorizedAccessException ? " (EACCES)" : "";
        return new HarnessWriteException($"cannot write {path}: {what}{name}", e);
    }

    /// <summary>On Linux .NET keeps the raw errno as an IOException's HResult (for access errors, on the inner one).</summary>
    private static int? Errno(Exception e)
    {
        for (var x = e; x != null; x = x.InnerException)
        {
            if (x is DirectoryNotFoundException or FileNotFoundException)
                return 2;
            if (x is IOException && x.GetType() == typeof(IOException) && x.HResult is > 0 and < 4096)
                return x.HResult;
        }

        return null;
    }

    [GeneratedRegex("^(?<what>.*) : '(?<path>.*)'$")]
    private static partial Regex DotnetPathMessage();
}

/// <summary>A file of the run (a report, a case, a certificate) could not be written: the message names it and the errno.</summary>
public sealed class HarnessWriteException(string message, Exception inner) : IOException(message, inner);
