using System.CommandLine;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Reports.Html;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab report CASE.json: one case drawn as a self-contained HTML page (timeline, log against the model, commands).</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var caseFile = new Argument<FileInfo>("case") { Description = "a case file (cases/case-*.json), shrunk or not" };
        var output = new Option<FileInfo?>("--out") { Description = "where to write the page (default: CASE.html beside the case)" };
        var result = new Command("report", "Draw one failure as an HTML page: the requests and file-system operations on one time axis, the kill, what the crash state kept, lost or tore, and where the recovered log departs from what was acknowledged.")
        {
            caseFile, output,
        };
        CommonOptions.Examples(result, "crashlab report crashlab-out/cases/case-power-loss-torn-sectors-5db55b08c281f20f-1.json", "crashlab shrink CASE.json --out CASE.min.json && crashlab report CASE.min.json");
        result.SetAction(parse => Run(parse.GetValue(caseFile)!, parse.GetValue(output)));
        return result;
    }

    private static int Run(FileInfo file, FileInfo? output)
    {
        CaseFile saved;
        try
        {
            if (!file.Exists)
                throw new FormatException($"{file.FullName} does not exist");
            saved = CaseFile.Load(file.FullName);
        }
        catch (FormatException e)
        {
            return CommonOptions.Usage("report", e.Message);
        }

        var target = output?.FullName ?? Path.ChangeExtension(file.FullName, ".html");
        try
        {
            AtomicFile.Write(target, HtmlReport.ForCase(saved, file.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommonOptions.HarnessFailure("report", e);
        }

        Console.WriteLine($"wrote {target}");
        return ExitCodes.Pass;
    }
}
