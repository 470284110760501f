using System.CommandLine;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab merge: the report directories of a sharded campaign, folded into one report.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var dirs = new Argument<DirectoryInfo[]>("DIR") { Description = "the report directory of every shard (each holds report.json)", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Out("crashlab-merged");
        var result = new Command("merge", "Merge the reports of all shards of a campaign (--shard i/N) into one: report.json, junit.xml, case files, and the certificate for certify runs. Fails on a missing or duplicated shard.")
        {
            dirs, output,
        };
        CommonOptions.Examples(result, "crashlab merge shard-0 shard-1 shard-2 --out merged");
        result.SetAction(parse => Run(parse.GetValue(dirs)!, parse.GetValue(output)!));
        return result;
    }

    private static int Run(DirectoryInfo[] dirs, DirectoryInfo output)
    {
        ReportMerger.Merged merged;
        Certificate? certificate = null;
        try
        {
            if (dirs.Any(d => d.FullName == output.FullName))
                throw new FormatException($"--out {output.FullName} is one of the shard directories; merge into a new directory");
            merged = ReportMerger.Merge([.. dirs.Select(d => d.FullName)], output.FullName);
            if (merged.Settings.CertifyLevel is { } level)
            {
                var catalog = ScenarioCatalog.Load(EngineLocator.Scenarios());
                certificate = Certificate.From(merged.Settings.BackendLabel, merged.Settings.Backend.WhiteBox, level, catalog, merged.Settings.Scenarios, merged.Tally, merged.Settings.Seed);
            }
        }
        catch (FormatException e)
        {
            return CommonOptions.Usage("merge", e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"crashlab merge: {e.Message}");
            return ExitCodes.Infrastructure;
        }

        ReportWriter.Write(merged.Settings, merged.Tally, certificate);
        Console.WriteLine($"merged {dirs.Length} shard report(s) into {output.FullName}");
        Console.WriteLine(ReportWriter.Summary(merged.Settings, merged.Tally));
        if (certificate != null && merged.IncompleteShards.Count == 0)
        {
            AtomicFile.Write(Path.Combine(output.FullName, "certificate.json"), certificate.ToJson());
            AtomicFile.Write(Path.Combine(output.FullName, "certificate.txt"), certificate.ToText() + Environment.NewLine);
            Console.WriteLine(certificate.ToText());
        }

        if (merged.Tally.Violations > 0)
            return ExitCodes.Violation;
        if (merged.IncompleteShards.Count > 0)
        {
            Console.Error.WriteLine($"crashlab merge: not every shard finished: {string.Join("; ", merged.IncompleteShards)}");
            return ExitCodes.Infrastructure;
        }

        return certificate is { Certified: false } ? ExitCodes.Usage : ExitCodes.Pass;
    }
}
