using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrashLab.Benchmarks.Harness;

namespace CrashLab.Benchmarks.Summary;

/// <summary>One row of the summary: a figure issue 23 asks for, what this run measured, its target, and whether it was met (null: not measured in this run).</summary>
internal sealed record TargetRow(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("met")] bool? Met);

/// <summary>
/// The figures issue 23 names, each with its target, read from one run's measurements: printed
/// as a table at the end of the run and written beside the run's JSON. A figure whose group did
/// not run (<c>--only</c>) says so instead of a value.
/// </summary>
internal static class TargetSummary
{
    private sealed record Figure(string Label, Func<Measurement, bool> Match, Func<Measurement, double> Value, Func<double, string> Show, string Target, Func<double, bool> Met);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Figure[] Figures =
    [
        StatesPerWorker("(a) Python example, L1", "python_l1"),
        StatesPerWorker("(b) Python example through FUSE, L2", "python_fuse_l2"),
        StatesPerWorker("(c) reference engine white-box, L2", "reference_l2"),
        .. FuseRequestCost.Requests.Select((request, i) => new Figure($"FUSE added per {request}",
            m => m.Name == $"fuse_added_micros_{i + 1}", m => m.Ratio!.Value * HarnessBenchmarks.FuseTargetMicros,
            HarnessBenchmarks.AddedMicros, $"<= {HarnessBenchmarks.FuseTargetMicros:0} µs", v => v <= HarnessBenchmarks.FuseTargetMicros)),
        new("crash cycles vs spawn-ready-kill bound, 1 worker", m => m.Name == "crash_cycles_reference" && m.Writers == 1, m => m.Ratio!.Value,
            v => string.Create(CultureInfo.InvariantCulture, $"{v:F2} x"), ">= 0.5 x", v => v >= 0.5),
        new("durable 4 KiB appends, 64 writers vs F", m => m.Name == "wal_durable_append" && m.Writers == 64 && m.RecordBytes == 4096, m => m.Ratio!.Value,
            v => string.Create(CultureInfo.InvariantCulture, $"{v:F1} x F"), ">= 15 x F", v => v >= 15),
        new($"certify --level L4 (Python example, {CertifyWallClock.Settings})", m => m.Name == CertifyWallClock.Name, m => m.Ratio!.Value * CertifyWallClock.TargetSeconds,
            v => CertifyWallClock.Minutes(v), $"<= {CertifyWallClock.Minutes(CertifyWallClock.TargetSeconds)} wall clock", v => v <= CertifyWallClock.TargetSeconds),
    ];

    public static List<TargetRow> Of(IReadOnlyList<Measurement> results)
        => [.. Figures.Select(figure => results.LastOrDefault(figure.Match) is { Ratio: not null } m
            ? new TargetRow(figure.Label, figure.Show(figure.Value(m)), figure.Target, figure.Met(figure.Value(m)))
            : new TargetRow(figure.Label, "not measured in this run", figure.Target, null))];

    public static string Table(IReadOnlyList<TargetRow> rows)
    {
        var width = rows.Max(r => r.Figure.Length);
        var valueWidth = rows.Max(r => r.Value.Length);
        var text = new StringBuilder().AppendLine("issue 23 figures against their targets:");
        foreach (var row in rows)
        {
            var met = row.Met switch { true => "met", false => "NOT MET", null => "-" };
            text.AppendLine(CultureInfo.InvariantCulture, $"  {row.Figure.PadRight(width)}  {row.Value.PadRight(valueWidth)}  target {row.Target,-16}  {met}");
        }

        return text.ToString();
    }

    /// <summary>Prints the table and writes it (text and JSON) beside <paramref name="outPath"/>: benchmarks.json → targets.txt, targets.json.</summary>
    public static void Report(IReadOnlyList<Measurement> results, string? outPath)
    {
        var rows = Of(results);
        var table = Table(rows);
        Console.Write(table);
        if (outPath == null)
            return;
        var name = Path.GetFileNameWithoutExtension(outPath).Replace("benchmarks", "targets", StringComparison.Ordinal);
        var dir = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        File.WriteAllText(Path.Combine(dir, name + ".txt"), table);
        File.WriteAllText(Path.Combine(dir, name + ".json"), JsonSerializer.Serialize(rows, Indented));
    }

    private static Figure StatesPerWorker(string label, string name)
        => new($"{label}: states/s per worker vs restart bound", m => m.Name == $"states_per_worker_{name}", m => m.Ratio!.Value,
            v => string.Create(CultureInfo.InvariantCulture, $"{v:F2} x"), ">= 0.5 x", v => v >= 0.5);
}
