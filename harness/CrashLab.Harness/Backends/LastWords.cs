using System.Text;

namespace CrashLab.Harness.Backends;

/// <summary>
/// Why a backend ended, in its own words: how it exited (status or signal) and the end of its
/// stderr, boxed, so a backend that dies before it says ready shows its traceback, not one line.
/// </summary>
public static class LastWords
{
    /// <summary>Lines of stderr shown in the box: enough for a traceback or a Node.js module error.</summary>
    public const int BoxLines = 20;

    /// <summary>"exit status 1", "killed by signal 9", or "still running" (null: it has not exited).</summary>
    public static string Status(int? exitCode) => exitCode switch
    {
        null => "still running",
        > 128 and var code => $"killed by signal {code - 128}",
        var code => $"exit status {code}",
    };

    /// <summary>The last <see cref="BoxLines"/> lines of stderr in a box, each clipped to one line, or a note that there were none.</summary>
    public static string Box(BoundedLog stderr, string title = "its stderr")
    {
        var lines = stderr.LastLines(BoxLines);
        if (lines.Count == 0)
            return "  (nothing on stderr)";
        var box = new StringBuilder();
        box.AppendLine($"  ┌─ {title}, last {lines.Count} line(s)");
        foreach (var line in lines)
            box.AppendLine($"  │ {WireText.Clip(line, 200)}");
        box.Append("  └─");
        return box.ToString();
    }
}
