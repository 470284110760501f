using System.Text;
using static CrashLab.Harness.Reports.Html.Html;

namespace CrashLab.Harness.Reports.Html;

/// <summary>One violation's section: the sentence, the timeline, the log against the model, the bytes, and the commands.</summary>
internal static class CaseSection
{
    public static string Render(CaseFile file, string? path, string anchor)
    {
        var html = new StringBuilder();
        html.Append($"<section class=\"case\" id=\"{E(anchor)}\"><h2>{E(file.Scenario.Name)}: rule {E(file.Violation.Rule)}</h2>");
        html.Append($"<p class=\"note\">backend {E(file.Backend)}{(file.Fs == "fuse" ? " (on a FUSE mount)" : "")}, chain seed {file.ChainSeed:x16}, cycle {file.Cycle}, stage {E(file.Stage)}</p>");
        html.Append($"<p class=\"story\">{E(Story.Tell(file))}</p>");
        if (file.Ready is { } ready)
            html.Append($"<p class=\"note\">the failing start's ready: first_lsn {ready.FirstLsn}, next_lsn {ready.NextLsn}, corruption {(ready.CorruptionLsn is { } lsn ? $"at LSN {lsn}: {E(ready.CorruptionDetail)}" : "none")}</p>");
        if (file.Requests is { Count: > 0 } requests)
        {
            html.Append("<h3>Timeline</h3>");
            html.Append(Legend());
            html.Append(new TimelineSvg(requests, file.Timeline).Render());
            if (file.Timeline is { Ops.Count: 0 })
                html.Append("<p class=\"note\">No file-system operations recorded: this run's I/O did not pass through the CrashLab shim, which records them (a process-kill scenario needs none; with --fs fuse a backend runs on a FUSE mount of the shim).</p>");
            if (requests.Count > TimelineSvg.MaxRequests || file.Timeline?.Ops.Count > TimelineSvg.MaxOps)
                html.Append($"<p class=\"note\">shown: the last {TimelineSvg.MaxRequests} of {requests.Count} requests and the last {TimelineSvg.MaxOps} file-system operations; the case file holds them all.</p>");
        }
        else
        {
            html.Append("<p class=\"note\">No request transcript: this case failed at a start, before any load (or it is a black-box case from a run without the shim).</p>");
        }

        html.Append("<h3>The log against the model</h3>");
        html.Append(LogBlocks.Render(file.WhiteBox?.ModelAfterRun ?? file.Model, file.Violation, file.Stage));
        html.Append(BytesDiff.Render(file.Violation.Lsn, file.Violation.Expected, file.Violation.Actual));
        if (path != null)
        {
            html.Append("<h3>Replay it, shrink it</h3>");
            html.Append($"<div class=\"cmd\">crashlab replay {E(path)}</div>");
            if (file.WhiteBox?.Requests != null)
                html.Append($"<div class=\"cmd\">crashlab shrink {E(path)}</div>");
            html.Append($"<div class=\"cmd\">crashlab replay {E(path)} --backend-cmd \"YOUR FIXED BACKEND\"</div>");
        }

        if (!string.IsNullOrEmpty(file.Stderr))
            html.Append($"<details><summary>backend stderr</summary><pre class=\"mono\">{E(Tail(file.Stderr, 4000))}</pre></details>");
        return html.Append("</section>").ToString();
    }

    private static string Legend()
        => "<p class=\"legend note\">"
           + Swatch(Palette.Durable, "acknowledged durable") + Swatch(Palette.Appended, "appended / ok") + Swatch(Palette.Error, "error")
           + Swatch(Palette.Unanswered, "unanswered") + Swatch(Palette.Kill, "kill") + " | file system: "
           + Swatch(Palette.Settled, "durable before the kill") + Swatch(Palette.Kept, "kept") + Swatch(Palette.Lost, "lost")
           + Swatch(Palette.Torn, "torn") + Swatch(Palette.Sync, "fsync / fdatasync") + "</p>";

    private static string Swatch(string colour, string label) => $"<span><i class=\"sw\" style=\"background:{colour}\"></i>{E(label)}</span>";

    private static string Tail(string text, int chars) => text.Length <= chars ? text : "…" + text[^chars..];
}
