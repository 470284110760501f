using System.Text;
using CrashLab.Harness.Workload;
using static CrashLab.Harness.Reports.Html.Html;

namespace CrashLab.Harness.Reports.Html;

/// <summary>
/// The failing run on one time axis: a lane per in-flight request (send to reply, coloured by
/// how it was answered), the kill as a vertical line, and a lane of file-system operations, each
/// coloured by its fate in the failing crash state. Operations are numbered, not timed: they are
/// placed by the operation counts recorded with each request's sending and reply.
/// </summary>
internal sealed class TimelineSvg(IReadOnlyList<RecordedRequest> requests, Timeline? timeline)
{
    public const int MaxRequests = 60;
    public const int MaxOps = 200;
    private static readonly int[] Steps = [1, 2, 5, 10];
    private const int Width = 1100, Left = 120, Right = 20, Lane = 16, Gap = 3, Top = 24;

    public string Render()
    {
        var shown = requests.Where(r => r.SentMs != null).TakeLast(MaxRequests).ToList();
        var killMs = timeline?.KillMs ?? shown.Select(r => r.ReplyMs ?? r.SentMs ?? 0).DefaultIfEmpty(0).Max();
        var t0 = shown.Count > 0 ? shown[0].SentMs!.Value : 0;
        var t1 = Math.Max(killMs, shown.Select(r => r.ReplyMs ?? 0).DefaultIfEmpty(0).Max()) * 1.02 + 0.5;
        var lanes = AssignLanes(shown, t1);
        var laneCount = lanes.Count == 0 ? 0 : lanes.Values.Max() + 1;
        var fsTop = Top + laneCount * (Lane + Gap) + 12;
        var withOps = timeline is { Ops.Count: > 0 };
        var height = fsTop + (withOps ? 46 : 0) + 30;
        double X(double ms) => Left + (ms - t0) / Math.Max(0.001, t1 - t0) * (Width - Left - Right);

        var svg = new StringBuilder();
        svg.Append($"""<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{Width}" height="{height}" viewBox="0 0 {Width} {height}" role="img" aria-label="timeline of the failing run">""");
        Axis(svg, t0, t1, height, X);
        svg.Append($"""<g class="lanes" data-lanes="{laneCount}">""");
        for (var i = 0; i < shown.Count; i++)
            Bar(svg, shown[i], requests.Count - shown.Count + i + 1, lanes[i], t1, X);
        svg.Append("</g>");
        if (withOps)
            FileSystemLane(svg, timeline!, t0, fsTop, X);
        var kx = X(killMs);
        var what = timeline == null ? "end of load"
            : timeline.KilledBy == Timeline.CrashPoint ? $"crash point at op {timeline.KillAtOp}"
            : timeline.KilledBy == Timeline.ArmedKill ? $"armed kill (last op {timeline.KillAtOp})"
            : withOps ? $"timed kill (last op {timeline.KillAtOp})" : "timed kill";
        svg.Append($"""<line class="kill" x1="{N(kx)}" y1="{Top - 14}" x2="{N(kx)}" y2="{height - 22}" stroke="{Palette.Kill}" stroke-width="2"/>""");
        var anchor = kx > Width - 260 ? $"x=\"{N(kx - 4)}\" text-anchor=\"end\"" : $"x=\"{N(kx + 4)}\"";
        svg.Append($"""<text class="kill-label" {anchor} y="{Top - 6}" fill="{Palette.Kill}" font-size="12" font-weight="600">{E(what)} · {E(Ms(killMs))}</text>""");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Greedy lanes: a request takes the first lane free at its sending.</summary>
    private static Dictionary<int, int> AssignLanes(List<RecordedRequest> shown, double end)
    {
        var ends = new List<double>();
        var lanes = new Dictionary<int, int>();
        for (var i = 0; i < shown.Count; i++)
        {
            var lane = ends.FindIndex(e => e <= shown[i].SentMs!.Value);
            if (lane < 0)
            {
                lane = ends.Count;
                ends.Add(0);
            }

            ends[lane] = shown[i].ReplyMs ?? end;
            lanes[i] = lane;
        }

        return lanes;
    }

    private static void Bar(StringBuilder svg, RecordedRequest request, int number, int lane, double end, Func<double, double> x)
    {
        var (x0, x1) = (x(request.SentMs!.Value), x(request.ReplyMs ?? end));
        var y = Top + lane * (Lane + Gap);
        var colour = Palette.ForOutcome(request.Outcome);
        var label = $"#{number} {request.Op}{(request.FirstLsn is { } f ? $" {f}–{request.LastLsn}" : request.Records is { } r ? $" ×{r.Length}" : "")}";
        var title = $"request #{number} {request.Op}{(request.Sync ? " sync" : "")}: sent {Ms(request.SentMs.Value)}, "
            + (request.ReplyMs is { } reply ? $"answered {request.Outcome} at {Ms(reply)}" : "never answered");
        var dash = request.Outcome == null ? " stroke-dasharray=\"4 3\" fill-opacity=\"0.35\"" : "";
        svg.Append($"""<g class="request" data-outcome="{E(request.Outcome ?? "unanswered")}"><title>{E(title)}</title>""");
        svg.Append($"""<rect x="{N(x0)}" y="{y}" width="{N(Math.Max(2, x1 - x0))}" height="{Lane}" rx="3" fill="{colour}" stroke="{colour}"{dash}/>""");
        if (x1 - x0 > label.Length * 6.2)
            svg.Append($"""<text x="{N(x0 + 4)}" y="{y + 12}" font-size="11" fill="#fff">{E(label)}</text>""");
        svg.Append("</g>");
    }

    private void FileSystemLane(StringBuilder svg, Timeline timeline, double t0, int top, Func<double, double> x)
    {
        var place = new OperationClock(requests, timeline);
        svg.Append($"""<text x="4" y="{top + 20}" font-size="12" font-weight="600">file system</text>""");
        svg.Append($"""<g class="fs-ops" data-ops="{Math.Min(MaxOps, timeline.Ops.Count)}">""");
        foreach (var op in timeline.Ops.TakeLast(MaxOps))
        {
            var ms = place.MsOf(op.Op);
            if (ms < t0)
                continue;
            var px = x(ms);
            var colour = Palette.ForFate(op.Fate);
            var isSync = op.Kind.Contains("sync", StringComparison.Ordinal);
            var title = $"op {op.Op} {op.Kind} {op.File}{(op.Kind == "write" ? $" @{op.Offset} +{op.Length}" : op.Kind == "set-length" ? $" to {op.Length}" : "")}: {op.Fate}{(op.Detail != null ? $" ({op.Detail})" : "")}";
            svg.Append($"""<g class="fs-op" data-fate="{E(op.Fate)}" data-kind="{E(op.Kind)}"><title>{E(title)}</title>""");
            svg.Append(isSync
                ? $"""<rect x="{N(px - 1)}" y="{top}" width="2" height="30" fill="{Palette.Sync}"/>"""
                : $"""<rect x="{N(px - 2)}" y="{top + 6}" width="4" height="18" fill="{colour}"/>""");
            svg.Append("</g>");
        }

        svg.Append("</g>");
    }

    private static void Axis(StringBuilder svg, double t0, double t1, int height, Func<double, double> x)
    {
        var step = NiceStep((t1 - t0) / 8);
        svg.Append($"""<g class="axis" font-size="10" fill="#666">""");
        for (var t = Math.Ceiling(t0 / step) * step; t <= t1; t += step)
        {
            svg.Append($"""<line x1="{N(x(t))}" y1="{Top - 4}" x2="{N(x(t))}" y2="{height - 22}" stroke="#eee"/>""");
            svg.Append($"""<text x="{N(x(t))}" y="{height - 8}" text-anchor="middle">{E(N(t))} ms</text>""");
        }

        svg.Append($"""<text x="4" y="{Top + 12}" font-size="12" font-weight="600" fill="#1b1b1b">requests</text></g>""");
    }

    private static double NiceStep(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(rough, 0.001))));
        return Steps.Select(m => m * magnitude).First(s => s >= rough);
    }
}
