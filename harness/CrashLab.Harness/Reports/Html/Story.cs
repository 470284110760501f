using System.Globalization;
using CrashLab.Harness.Workload;
using static CrashLab.Harness.Reports.Html.Html;

namespace CrashLab.Harness.Reports.Html;

/// <summary>
/// A case in one plain paragraph: its <see cref="Headline"/> (the cause, then the rule), then what
/// was acknowledged and when, how the run ended, and what the crash state did with the operations
/// not yet durable.
/// </summary>
public static class Story
{
    public static string Tell(CaseFile file)
    {
        var parts = new List<string>();
        var requests = file.Requests ?? [];
        if (Acknowledgement(requests, file.Violation.Lsn, file.Violation.Message) is { } ack)
            parts.Add(ack);
        if (file.Timeline is { Ops.Count: 0 } blackBox)
            parts.Add($"the harness killed the backend at {Ms(blackBox.KillMs)}");
        else if (file.Timeline is { } timeline)
        {
            parts.Add(timeline.KilledBy switch
            {
                Timeline.CrashPoint => $"the shim stopped the backend at file-system operation {timeline.KillAtOp} ({Ms(timeline.KillMs)})",
                Timeline.ArmedKill => $"the harness's timed kill, armed to fire before the backend's next flush with writes unsynced, stopped it after file-system operation {timeline.KillAtOp} ({Ms(timeline.KillMs)})",
                _ => $"the harness killed it at {Ms(timeline.KillMs)}, after file-system operation {timeline.KillAtOp}",
            });
            parts.Add(CrashState(timeline, file.WhiteBox?.States.FirstOrDefault()));
        }
        else if (file.Stage == "run")
            parts.Add("the backend broke the rule while it was under load, before any crash");

        var headline = Headline.Of(file);
        return (parts.Count == 0 ? headline : $"{headline} {Headline.Capital(string.Join("; ", parts))}.") + ProfileReport.Sentence(file.Violation);
    }

    private static int? BatchNamed(string message)
        => System.Text.RegularExpressions.Regex.Match(message, @"\bbatch (\d+)") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    private static string? Acknowledgement(List<RecordedRequest> requests, long? lsn, string message)
    {
        if (lsn is not { } at)
            return null;
        // The batch the finding names, if any, else the request whose LSNs hold the finding's LSN.
        var batch = BatchNamed(message);
        var index = batch != null ? requests.FindIndex(r => r.Records is [{ } id, ..] && id.Batch == batch) : -1;
        if (index >= 0 && requests[index].Outcome == null)
            return $"request #{index + 1} (batch {batch}, {requests[index].Records!.Length} record(s)) was sent at {Ms(requests[index].SentMs ?? 0)} and never answered";
        if (index < 0)
            index = requests.FindIndex(r => r.FirstLsn <= at && at <= r.LastLsn);

        if (index < 0)
            return null;
        var request = requests[index];
        var how = request.Outcome == "durable" ? "acknowledged durable" : $"acknowledged {request.Outcome}";
        return $"request #{index + 1} (batch of {request.Records?.Length ?? 0} record(s), LSNs {request.FirstLsn}–{request.LastLsn}) was {how} at {Ms(request.ReplyMs ?? 0)}";
    }

    private static string CrashState(Timeline timeline, WhiteBox.StateChoice? state)
    {
        var pending = timeline.Ops.Where(o => o.Fate is "kept" or "lost" or "torn").ToList();
        var mode = state != null ? $"the {state.Mode} crash state ({state.SectorSize} B sectors)" : "the crash state";
        if (pending.Count == 0)
            return $"{mode} had nothing to decide: every operation was durable";
        var count = (string fate) => pending.Count(o => o.Fate == fate);
        var sentence = $"of the {pending.Count} operation(s) not yet durable, {mode} kept {count("kept")}, lost {count("lost")} and tore {count("torn")}";
        if (pending.FirstOrDefault(o => o.Fate == "torn") is { } torn)
            sentence += $" (op {torn.Op}, {(torn.Length == 0 ? "a 0-byte write, which wrote nothing" : $"a {torn.Length}-byte {torn.Kind}")} of {torn.File}, {torn.Detail})";
        else if (pending.FirstOrDefault(o => o.Fate == "lost") is { } lost)
            sentence += $" (the first lost: op {lost.Op}, {lost.Kind} of {lost.File})";
        // Through FUSE the kernel writes back what the dead process left dirty (shared mmap pages) after the kill.
        var late = pending.Where(o => o.Op > timeline.KillAtOp).ToList();
        if (late.Count > 0)
        {
            sentence += late.All(o => o.Fate == "kept")
                ? $"; {late.Count} write(s) arrived after the kill, ops {late[0].Op}–{late[^1].Op} (the kernel writing back what the dead process left dirty), kept as a process crash keeps them"
                : $"; {late.Count} write(s) arrived after the kill, ops {late[0].Op}–{late[^1].Op}, lost as a power cut at the kill never saw them";
        }

        return sentence;
    }
}
