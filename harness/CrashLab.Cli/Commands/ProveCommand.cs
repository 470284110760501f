using System.CommandLine;
using System.Text.Json;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Conformance;
using CrashLab.Harness.Reports;
using CrashLab.Harness.Reports.Html;
using CrashLab.Wal;

namespace CrashLab.Cli.Commands;

/// <summary>
/// crashlab prove: the detection proof. Every mutant must be caught by its scenario within the
/// budget, and the reference engine must be certified at L4 with zero violations.
/// </summary>
internal static class ProveCommand
{
    public static Command Create()
    {
        var mutants = new Option<string>("--mutants") { Description = "mutants to run: all, none, or a comma-separated list", DefaultValueFactory = _ => "all" };
        var budget = new Option<int>("--budget") { Description = "crash states within which each mutant must be caught", DefaultValueFactory = _ => DetectionTarget.Budget };
        var referenceBudget = new Option<int?>("--reference-budget") { Description = "crash states per level for the reference engine's L4 certification (default: the scenarios' budgets); 0 skips it" };
        var seed = CommonOptions.Seed();
        var workers = CommonOptions.Workers();
        workers.DefaultValueFactory = _ => 2;
        workers.Description = "mutants run at once (one worker each), and the reference certification's workers";
        var output = CommonOptions.Out("crashlab-proof");
        var profile = CommonOptions.Profile();
        var fs = CommonOptions.Fs();
        var fuseCpu = CommonOptions.FuseCpuChoice();
        fs.Description = "fuse: run every mutant and the reference engine as black-box programs on a FUSE mount of the shim (the proof that FUSE carries the same model); auto or direct: as they are";
        var result = new Command("prove", "Detection proof: run every known-bad mutant against the scenario built for its bug (each must be caught within the budget), then certify the reference engine at L4.")
        {
            mutants, budget, referenceBudget, seed, workers, output, fs, fuseCpu, profile,
        };
        CommonOptions.Examples(result, "crashlab prove                                     # every mutant, then the reference engine at L4", "crashlab prove --mutants torn-tail-not-cut,python:sync-lies --reference-budget 0",
            "crashlab prove --fs fuse                           # the same proof, every backend on a FUSE mount (root)");
        result.SetAction((parse, token) => RunAsync(parse.GetValue(mutants)!, parse.GetValue(budget), parse.GetValue(referenceBudget), parse.GetValue(seed),
            parse.GetValue(workers), parse.GetValue(output)!, parse.GetValue(fs)!, parse.GetValue(profile)!, parse.GetValue(fuseCpu)!, token));
        return result;
    }

    private static async Task<int> RunAsync(string mutantList, int budget, int? referenceBudget, ulong seed, int workers, DirectoryInfo output, string fs, string profile, string fuseCpu, CancellationToken token)
    {
        IReadOnlyList<DetectionTarget> targets;
        ScenarioCatalog catalog;
        try
        {
            if (budget < 1)
                throw new FormatException("--budget must be at least 1");
            if (referenceBudget is < 0)
                throw new FormatException("--reference-budget must be 0 or more");
            targets = Select(mutantList);
            catalog = ScenarioCatalog.Load(EngineLocator.Scenarios());
            foreach (var target in targets)
                catalog.Select(target.Scenario);
            CommonOptions.WithFs(CommonOptions.ParseBackend(null, null), fs, needsShim: false);
        }
        catch (FormatException e)
        {
            return CommonOptions.Usage("prove", e.Message);
        }

        Directory.CreateDirectory(output.FullName);
        var results = Array.Empty<DetectionResult>() as IReadOnlyList<DetectionResult>;
        if (targets.Count > 0)
        {
            Console.Error.WriteLine($"crashlab prove: {targets.Count} mutants, {workers} at a time, each must be caught within {budget} crash states");
            var proof = new DetectionProof(name => CommonOptions.ParseBackend($"mutant:{name}", null), catalog, seed, output.FullName)
            {
                Parallel = workers,
                Profiles = CommonOptions.Profiles(profile),
                Budget = budget,
                Placement = backend => CommonOptions.WithFs(backend, fs, needsShim: false, fuseCpu),
                Completed = r => Console.Error.WriteLine($"  done: {r.ToLine()}"),
            };
            try
            {
                results = await proof.RunAsync(targets, token).ConfigureAwait(false);
            }
            catch (Exception e) when (HarnessFault.Is(e))
            {
                Console.Error.WriteLine($"crashlab: harness failure: {e.Message}");
                return ExitCodes.Infrastructure;
            }

            var table = Table(results, budget);
            Console.WriteLine(table);
            AtomicFile.Write(Path.Combine(output.FullName, "detection.txt"), table + Environment.NewLine);
            AtomicFile.Write(Path.Combine(output.FullName, "detection.json"), JsonSerializer.Serialize(results, CaseFile.Json));
        }

        var certified = true;
        string? referenceVerdict = null;
        if (referenceBudget != 0)
        {
            var (code, certificate) = await CertifyCommand.CertifyAsync(null, null, "L4", referenceBudget, seed, workers, new DirectoryInfo(Path.Combine(output.FullName, "reference")), token, fs: fs, profile: profile, fuseCpu: fuseCpu).ConfigureAwait(false);
            if (certificate == null)
                return code;
            certified = certificate.Certified;
            referenceVerdict = certificate.Verdict;
        }

        AtomicFile.Write(Path.Combine(output.FullName, HtmlReport.FileName), HtmlReport.ForProof(results, budget, referenceVerdict));
        Console.WriteLine($"report: {Path.Combine(output.FullName, HtmlReport.FileName)}");

        return results.All(r => r.Caught) && certified ? ExitCodes.Pass : ExitCodes.Violation;
    }

    private static IReadOnlyList<DetectionTarget> Select(string list)
    {
        if (list == "all")
            return DetectionTarget.All;
        if (list == "none")
            return [];
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => DetectionTarget.All.FirstOrDefault(t => t.Mutant == name)
                ?? throw new FormatException($"unknown mutant '{name}' (known: {string.Join(", ", DetectionTarget.All.Select(t => t.Mutant))})"))
            .ToList();
    }

    private static string Table(IReadOnlyList<DetectionResult> results, int budget)
    {
        var caught = results.Count(r => r.Caught);
        var lines = results.Select(r => r.ToLine()).Prepend($"{"mutant",-28} lvl {"scenario",-28} verdict  crash states to detection  time    rule  (caught under)");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine
            + $"{caught} of {results.Count} mutants caught within {budget} crash states";
    }
}
