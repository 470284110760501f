using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CrashLab.Benchmarks.Summary;

/// <summary>
/// The wall clock of the documented certification (issue 23's target: at most 5 minutes with 2
/// workers): <c>crashlab certify --backend-cmd "python3 …/simple_wal.py" --level L4 --budget 100
/// --workers 2</c>, run as a user runs it. Minutes long, so only <c>--only certify</c> runs it.
/// The note gives the certificate's own time, its verdict and each level's share of power-loss
/// kills checked exhaustively.
/// </summary>
internal static class CertifyWallClock
{
    public const string Name = "certify_l4_python_wall_clock";
    public const string Settings = "--budget 100 --workers 2";
    public const double TargetSeconds = 300;

    /// <param name="output">Where certify writes its certificate and reports (emptied first).</param>
    public static Measurement Measure(string crashlab, string pythonBackend, string output)
    {
        if (Directory.Exists(output))
            Directory.Delete(output, recursive: true);
        var start = new ProcessStartInfo(crashlab) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["certify", "--backend-cmd", $"python3 {pythonBackend}", "--level", "L4", .. Settings.Split(' '), "--out", output])
            start.ArgumentList.Add(argument);
        Console.WriteLine($"running: crashlab {string.Join(' ', start.ArgumentList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a))}");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {crashlab}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        var note = $"exit code {process.ExitCode}; {Certificate(Path.Combine(output, "certificate.json"))}; reports in {output}";
        if (process.ExitCode is not (0 or 1 or 4))
            note += $"; stderr: {stderr.Result.Trim().Split('\n').LastOrDefault()}";
        _ = stdout.Result;
        return new Measurement(Name, 2, 0, 1 / seconds, seconds / TargetSeconds, $"{TargetSeconds:0} s (wall clock / target; target <= 1)",
            string.Create(CultureInfo.InvariantCulture, $"{Minutes(seconds)} wall clock ({seconds:F0} s); {note}"));
    }

    public static string Minutes(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{(int)seconds / 60}:{(int)seconds % 60:00}");

    /// <summary>The certificate's verdict, its own time and each level's share of power-loss kills checked exhaustively.</summary>
    private static string Certificate(string path)
    {
        if (!File.Exists(path))
            return "no certificate written";
        var certificate = JsonNode.Parse(File.ReadAllText(path))!;
        var shares = certificate["levels"]!.AsArray().Select(level =>
        {
            var profiles = level!["profiles"]!.AsArray().Where(p => p!["kills"]!.GetValue<int>() > 0)
                .Select(p => $"{p!["profile"]} {p["exhaustive_kills"]}/{p["kills"]}");
            return $"{level["name"]} {level["status"]}{(profiles.Any() ? $" (kills exhaustive: {string.Join(", ", profiles)})" : "")}";
        });
        var elapsed = certificate["elapsed_seconds"]?.GetValue<double>() is { } s ? $"the certificate says {Minutes(s)}" : "no time in the certificate";
        return $"verdict {certificate["verdict"]}, {elapsed}; {string.Join("; ", shares)}";
    }
}
