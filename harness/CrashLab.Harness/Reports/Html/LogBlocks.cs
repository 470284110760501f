using System.Text;
using CrashLab.Harness.Oracle;
using static CrashLab.Harness.Reports.Html.Html;

namespace CrashLab.Harness.Reports.Html;

/// <summary>
/// The log as the model knows it, in ranges of LSNs: acknowledged durable, acknowledged appended,
/// unanswered, failed; and over them what the recovery got wrong: the LSNs missing though
/// durable, or the first record that differs.
/// </summary>
internal static class LogBlocks
{
    private const int Width = 1100, Left = 120, Height = 80, AxisRow = 64, LabelRow = 78;

    /// <summary>A generous width per character of 12 px text (bold digits and dashes run about 7 px).</summary>
    internal const double CharWidth = 7.5;

    /// <param name="stage">Where the rule broke: only a recovery can be missing records.</param>
    public static string Render(ChainModelState? model, Violation violation, string stage)
    {
        if (model == null)
            return "";
        var ranges = Ranges(model);
        var broken = BrokenRange(violation, model);
        var last = Math.Max(Math.Max(model.LogNext - 1, ranges.Select(r => r.To).DefaultIfEmpty(0).Max()), broken?.To ?? 0);
        var first = Math.Min(model.LogFirst, ranges.Select(r => r.From).DefaultIfEmpty(model.LogFirst).Min());
        if (last < first)
            return "<p class=\"note\">the model holds no records</p>";
        double X(long lsn) => Left + (lsn - first) / (double)Math.Max(1, last - first + 1) * (Width - Left - 20);

        var svg = new StringBuilder();
        svg.Append($"""<svg xmlns="http://www.w3.org/2000/svg" class="log-blocks" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" role="img" aria-label="the log against the model">""");
        svg.Append("""<text x="4" y="22" font-size="12" font-weight="600">model</text><text x="4" y="50" font-size="12" font-weight="600">recovery</text>""");
        foreach (var (from, to, state) in ranges)
        {
            var colour = state switch { BatchState.Durable => Palette.Durable, BatchState.Appended => Palette.Appended, BatchState.Failed => Palette.Error, _ => Palette.Unanswered };
            svg.Append($"""<g class="lsn-range" data-state="{state}"><title>LSNs {from}–{to}: {Describe(state)}</title><rect x="{N(X(from))}" y="8" width="{N(Math.Max(2, X(to + 1) - X(from)))}" height="20" fill="{colour}"/></g>""");
        }

        if (broken is var (bad0, bad1))
        {
            var label = stage == "run" ? $"rule {violation.Rule} at LSN {bad0}"
                : violation.Rule.StartsWith('4') ? $"missing though durable: LSNs {bad0}–{bad1}" : $"first differing LSN {bad0}";
            svg.Append($"""<g class="lsn-broken" data-first="{bad0}"><title>{E(label)}</title><rect x="{N(X(bad0))}" y="36" width="{N(Math.Max(4, X(bad1 + 1) - X(bad0)))}" height="20" fill="{Palette.Missing}"/>""");
            // Its own row under the axis, starting under the range but never past the right edge: it
            // cannot meet the row names, the axis labels or the bars, however many records there are.
            var x = Math.Clamp(X(bad0), Left, Width - 4 - label.Length * CharWidth);
            svg.Append($"""<text x="{N(x)}" y="{LabelRow}" font-size="12" fill="{Palette.Missing}" font-weight="600">{E(label)}</text></g>""");
        }

        svg.Append($"""<text x="{Left}" y="{AxisRow}" font-size="10" fill="#666">LSN {first}</text>""");
        if (last > first)
            svg.Append($"""<text x="{Width - 20}" y="{AxisRow}" font-size="10" fill="#666" text-anchor="end">LSN {last}</text>""");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The LSNs the violation is about: a durable range that is gone, or the first record that differs.</summary>
    public static (long From, long To)? BrokenRange(Violation violation, ChainModelState? model)
    {
        if (violation.Lsn is not { } lsn)
            return null;
        return violation.Rule.StartsWith('4') && model != null ? (lsn, Math.Max(lsn, model.DurableLsn)) : (lsn, lsn);
    }

    private static string Describe(BatchState state) => state switch
    {
        BatchState.Durable => "acknowledged durable",
        BatchState.Appended => "acknowledged appended (not yet durable)",
        BatchState.Failed => "answered with an error",
        _ => "sent, never answered",
    };

    /// <summary>
    /// Acknowledged LSNs (durable up to the model's durable LSN), then each pending batch with its
    /// own state; an unanswered batch, whose LSNs nobody told us, where a WAL puts it: next in line.
    /// </summary>
    private static List<(long From, long To, BatchState State)> Ranges(ChainModelState model)
    {
        var ranges = new List<(long, long, BatchState)>();
        if (model.DurableLsn >= model.LogFirst)
            ranges.Add((model.LogFirst, model.DurableLsn, BatchState.Durable));
        if (model.LogNext - 1 > model.DurableLsn)
            ranges.Add((Math.Max(model.LogFirst, model.DurableLsn + 1), model.LogNext - 1, BatchState.Appended));
        var next = Math.Max(model.LogNext, model.Pending.Where(b => b.FirstLsn != null).Select(b => b.FirstLsn!.Value + b.Records.Length).DefaultIfEmpty(0).Max());
        foreach (var batch in model.Pending.Where(b => b.Records.Length > 0).OrderBy(b => b.Index))
        {
            var first = batch.FirstLsn ?? next;
            ranges.Add((first, first + batch.Records.Length - 1, batch.State));
            if (batch.FirstLsn == null)
                next += batch.Records.Length;
        }

        return ranges;
    }
}
