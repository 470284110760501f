namespace CrashLab.Harness.Reports;

/// <summary>
/// A report directory reused by a new run (nightly jobs reuse one): the earlier run's reports,
/// certificate and case files are moved into OUT/previous-run (replacing the one before), so that
/// none of its cases can be mixed into the new verdict and nothing else in OUT is touched.
/// </summary>
public static class EarlierRun
{
    public const string AsideName = "previous-run";

    private static readonly string[] Ours = ["report.json", Html.HtmlReport.FileName, "junit.xml", "certificate.json", "certificate.txt", "check.txt", "cases"];

    /// <summary>Moves an earlier run's files aside; returns where, or null when <paramref name="outDir"/> held none.</summary>
    public static string? MoveAside(string outDir)
    {
        var found = Ours.Select(name => Path.Combine(outDir, name)).Where(path => File.Exists(path) || Directory.Exists(path)).ToList();
        if (found.Count == 0)
            return null;
        var aside = Path.Combine(outDir, AsideName);
        if (Directory.Exists(aside))
            Directory.Delete(aside, recursive: true);
        Directory.CreateDirectory(aside);
        foreach (var path in found)
        {
            var target = Path.Combine(aside, Path.GetFileName(path));
            if (Directory.Exists(path))
                Directory.Move(path, target);
            else
                File.Move(path, target);
        }

        return aside;
    }
}
