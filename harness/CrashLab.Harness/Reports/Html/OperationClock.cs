using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Reports.Html;

/// <summary>
/// Puts file-system operation numbers on the requests' millisecond axis: each request recorded the
/// shim's operation count at its sending and at its reply, and the kill closes the run; between
/// two such anchors operations are spread evenly.
/// </summary>
internal sealed class OperationClock
{
    private readonly List<(long Op, double Ms)> _anchors;

    public OperationClock(IEnumerable<RecordedRequest> requests, Timeline timeline)
    {
        var anchors = new List<(long Op, double Ms)>();
        foreach (var request in requests)
        {
            if (request is { AtOp: { } sentOp, SentMs: { } sentMs })
                anchors.Add((sentOp, sentMs));
            if (request is { ReplyAtOp: { } replyOp, ReplyMs: { } replyMs })
                anchors.Add((replyOp, replyMs));
        }

        anchors.Add((timeline.KillAtOp, timeline.KillMs));
        anchors.Sort((a, b) => a.Op != b.Op ? a.Op.CompareTo(b.Op) : a.Ms.CompareTo(b.Ms));
        // Time never runs backwards along the operations.
        for (var i = 1; i < anchors.Count; i++)
            anchors[i] = (anchors[i].Op, Math.Max(anchors[i].Ms, anchors[i - 1].Ms));
        _anchors = anchors;
    }

    public double MsOf(long op)
    {
        var after = _anchors.FindIndex(a => a.Op >= op);
        if (after < 0)
            return _anchors[^1].Ms;
        if (after == 0 || _anchors[after].Op == op)
            return after == 0 && _anchors[0].Op > op ? Math.Max(0, _anchors[0].Ms - (_anchors[0].Op - op) * 0.01) : _anchors[after].Ms;
        var (a, b) = (_anchors[after - 1], _anchors[after]);
        return a.Ms + (b.Ms - a.Ms) * (op - a.Op) / (double)(b.Op - a.Op);
    }
}
