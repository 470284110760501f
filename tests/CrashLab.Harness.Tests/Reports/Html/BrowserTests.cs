using System.Diagnostics;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Reports.Html;

namespace CrashLab.Harness.Tests.Reports.Html;

/// <summary>
/// The report as a person sees it: a mutant's case rendered to report.html and opened in headless
/// Chromium (Debian's chromium package; .ci/run installs it). The screenshot is kept under the
/// test's output (TestResults/report-screenshot.png).
/// </summary>
public sealed class BrowserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-html-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Chromium_MutantCaseReport_ShowsLanesKillLineAndFirstDifferingLsn()
    {
        var page = Path.Combine(_dir, HtmlReport.FileName);
        await File.WriteAllTextAsync(page, HtmlReport.ForCase(CaseFile.Load(HtmlReportTests.Fixture), HtmlReportTests.Fixture));

        var (exit, dom, log) = await ChromiumAsync("--dump-dom", "--enable-logging=stderr", "--v=0", new Uri(page).AbsoluteUri);

        Assert.True(exit == 0, $"chromium exit {exit}: {log}");
        Assert.DoesNotContain("CONSOLE", log, StringComparison.Ordinal);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\"", dom, StringComparison.Ordinal);
        Assert.Equal(11, CountOf(dom, "<g class=\"request\""));
        Assert.Contains("<line class=\"kill\"", dom, StringComparison.Ordinal);
        Assert.True(CountOf(dom, "<g class=\"fs-op\"") > 10, "the file-system lane is drawn");
        Assert.Contains("first differing LSN 19", dom, StringComparison.Ordinal);
        Assert.EndsWith("</html>", dom.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_MutantCaseReport_ScreenshotIsKept()
    {
        var page = Path.Combine(_dir, HtmlReport.FileName);
        await File.WriteAllTextAsync(page, HtmlReport.ForCase(CaseFile.Load(HtmlReportTests.Fixture), HtmlReportTests.Fixture));
        var shot = Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults")).FullName, "report-screenshot.png");
        File.Delete(shot);

        var (exit, _, log) = await ChromiumAsync($"--screenshot={shot}", "--window-size=1240,1000", "--hide-scrollbars", new Uri(page).AbsoluteUri);

        Assert.True(exit == 0, $"chromium exit {exit}: {log}");
        var png = await File.ReadAllBytesAsync(shot);
        Assert.True(png.Length > 20_000, $"a {png.Length}-byte screenshot is too small to show the page");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static async Task<(int Exit, string Stdout, string Stderr)> ChromiumAsync(params string[] arguments)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"{chromium} is missing: install Debian's chromium package (.ci/run does), or set CHROMIUM");
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={Path.Combine(Path.GetTempPath(), "crashlab-chromium-" + Guid.NewGuid().ToString("N"))}" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
