using System.Globalization;

namespace CrashLab.Harness.Reports;

/// <summary>
/// A case's first sentence: what went wrong, in the file system's terms, before the rule it broke.
/// The cause is the strongest one the timeline shows: an operation the shim refused or cut short
/// (ENOSPC, EIO: a backend that acknowledged after it ignored the failure), then an injected media
/// fault, then a name (create, rename, unlink) never made durable by a directory fsync, then a
/// torn write, then a write never made durable by an fsync of its file. The same sentence is
/// printed in the terminal and written to the case file, report.json, junit.xml and report.html.
/// </summary>
public static class Headline
{
    public static string Of(CaseFile file)
    {
        var broke = $"{file.Violation.Message} (rule {file.Violation.Rule})";
        if (file.Timeline is { Ops.Count: > 0 } timeline && Cause(timeline, file.WhiteBox?.States.FirstOrDefault()?.Mode) is { } cause)
            return $"{Capital(cause)}; after recovery: {broke}.";
        if (file.Stage == "run")
            return $"{Capital(broke)}, found under load, before any crash.";
        if (file.Timeline is { Ops.Count: 0 } kill)
            return $"{Capital(broke)}, after the harness killed the backend at {Html.Html.Ms(kill.KillMs)} and restarted it.";
        return $"{Capital(broke)}.";
    }

    private static string? Cause(Timeline timeline, string? mode)
    {
        var crash = mode != null ? $"the {mode} crash state" : "the crash";
        if (timeline.Ops.FirstOrDefault(o => o.Fault is "enospc" or "write_eio" or "fsync_eio") is { } refused)
            return Refused(refused);
        if (timeline.Ops.FirstOrDefault(o => o.Fault is "bit_flip" or "misdirect") is { } media)
        {
            return media.Fault == "bit_flip"
                ? $"op {media.Op}, {Write(media)}, had a bit flipped on its way to the disk (an injected media fault)"
                : $"op {media.Op}, {Write(media)}, landed at the wrong place on the disk (an injected misdirected write)";
        }

        var pending = timeline.Ops.Where(o => o.Fate is "lost" or "torn").ToList();
        if (pending.FirstOrDefault(o => o.Kind is "create" or "rename" or "unlink") is { } name)
            return $"{NameChange(name)} (op {name.Op}) was never made durable by an fsync of {DirectoryOf(name.File)}, and {crash} lost it";
        if (pending.FirstOrDefault(o => o.Fate == "torn") is { } torn)
            return $"op {torn.Op}, {Write(torn)}, was not yet durable and {crash} tore it ({torn.Detail})";
        if (pending.FirstOrDefault() is { } lost)
            return $"op {lost.Op}, {Write(lost)}, was never made durable by an fsync of {lost.File}, and {crash} lost it";
        return null;
    }

    private static string Refused(TimelineOp op)
    {
        var error = op.Fault == "enospc" ? "ENOSPC (no space left)" : "EIO";
        if (op.Fault == "fsync_eio")
            return $"op {op.Op}, an fsync of {op.File}, failed with EIO, so what it was to make durable may be lost";
        return op.Length > 0
            ? $"op {op.Op}, a write to {op.File} at offset {op.Offset}, came back short with {error}: only {op.Length} bytes were written"
            : $"op {op.Op}, a write to {op.File} at offset {op.Offset}, failed with {error} and wrote nothing";
    }

    /// <summary>"a 944-byte write to F at offset 48208"; "a 0-byte write (it wrote nothing)" said plainly.</summary>
    private static string Write(TimelineOp op)
        => op.Kind == "write"
            ? op.Length == 0 ? $"a 0-byte write to {op.File} (it wrote nothing)" : $"a {op.Length.ToString(CultureInfo.InvariantCulture)}-byte write to {op.File} at offset {op.Offset}"
            : $"a {op.Kind} of {op.File}";

    private static string NameChange(TimelineOp op) => op.Kind switch
    {
        "create" => $"the creation of {op.File}",
        "rename" => $"the rename {op.File}",
        _ => $"the removal of {op.File}",
    };

    private static string DirectoryOf(string file)
    {
        var path = file.Split(" -> ")[^1];
        var directory = Path.GetDirectoryName(path);
        return string.IsNullOrEmpty(directory) ? "the data directory" : directory + "/";
    }

    internal static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
