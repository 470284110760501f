using System.CommandLine;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Reports;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab certify: runs every scenario up to a level and issues a certificate.</summary>
internal static class CertifyCommand
{
    public static Command Create()
    {
        var backend = CommonOptions.Backend();
        var command = CommonOptions.BackendCommand();
        var level = CommonOptions.Choice("--level", "L1 (process crash) .. L4 (corruption-detecting); l1 works as well as L1", [.. Certificate.LevelNames]);
        level.Required = true;
        var budget = new Option<int?>("--budget") { Description = "crash states to check per level, shared by its scenarios (default: the scenarios' budgets)" };
        var seed = CommonOptions.Seed();
        var workers = CommonOptions.Workers();
        var output = CommonOptions.Out("crashlab-certificate");
        var shard = CommonOptions.Shard();
        var chains = CommonOptions.Chains();
        var fs = CommonOptions.Fs();
        var fuseCpu = CommonOptions.FuseCpuChoice();
        var timeout = CommonOptions.Timeout();
        var profile = CommonOptions.Profile();
        var result = new Command("certify", "Run every scenario up to a certification level and issue a certificate (exit 0 only if certified at that level).")
        {
            backend, command, level, budget, seed, workers, output, shard, chains, fs, fuseCpu, timeout, profile,
        };
        CommonOptions.Examples(result, "crashlab certify --level L4                                   # the reference engine",
            "crashlab certify --level L2 --profile ext4-ordered            # verdicts for ext4 (data=ordered) only", "crashlab certify --backend-cmd \"python3 my_wal.py\" --level L1 --budget 300",
            "crashlab certify --backend-cmd \"python3 my_wal.py\" --level L4              # L2-L4 through FUSE (root, /dev/fuse)");
        result.SetAction(async (parse, token) => (await CertifyAsync(parse.GetValue(backend), parse.GetValue(command), parse.GetValue(level)!, parse.GetValue(budget),
            parse.GetValue(seed), parse.GetValue(workers), parse.GetValue(output)!, token, parse.GetValue(shard), parse.GetValue(chains), parse.GetValue(fs)!, parse.GetValue(timeout), parse.GetValue(profile)!, parse.GetValue(fuseCpu)).ConfigureAwait(false)).Code);
        return result;
    }

    /// <summary>The highest level a black-box backend can pass: every level up to it runs without the shim.</summary>
    internal static string BlackBoxCeiling(ScenarioCatalog catalog)
        => Certificate.LevelNames.TakeWhile(l => catalog.All.Where(s => s.Level == l).All(s => !s.NeedsShim)).LastOrDefault() ?? "none";

    /// <summary>
    /// --budget N is per level: split over the level's scenarios, the remainder to the first ones,
    /// so that a level's budgets add up to N (60 over 7 scenarios is 9, 9, 9, 9, 8, 8, 8; not 7 x 8).
    /// </summary>
    internal static List<Scenario> SplitBudget(List<Scenario> scenarios, int? budget)
        => budget is not { } total ? scenarios
            : [.. scenarios.GroupBy(s => s.Level).SelectMany(level => level.Select((s, i) => s with { Budget = Math.Max(1, total / level.Count() + (i < total % level.Count() ? 1 : 0)) }))];

    /// <summary>How a level's budget is shared, printed before the run: "L1: 60 crash states over 7 scenarios (8 or 9 each)".</summary>
    private static string BudgetLine(IReadOnlyList<Scenario> scenarios)
        => "budget: " + string.Join("; ", scenarios.GroupBy(s => s.Level).Select(level =>
        {
            var (least, most) = (level.Min(s => s.Budget), level.Max(s => s.Budget));
            return $"{level.Key}: {level.Sum(s => s.Budget)} crash states over {level.Count()} scenario(s) ({(least == most ? $"{least}" : $"{least} or {most}")} each)";
        }));

    /// <summary>Certifies a backend; the certificate is null when the command line was wrong or the harness failed.</summary>
    internal static async Task<(int Code, Certificate? Certificate)> CertifyAsync(string? backendName, string? command, string level, int? budget, ulong seed, int workers, DirectoryInfo output, CancellationToken token, string? shardText = null, int? chains = null, string fs = CommonOptions.FsAuto, string? timeout = null, string profile = CommonOptions.AllProfiles, string? fuseCpu = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CampaignSettings settings;
        ScenarioCatalog catalog;
        bool whiteBox;
        try
        {
            if (budget is < 1)
                return (CommonOptions.Usage("certify", "--budget must be at least 1"), null);
            catalog = ScenarioCatalog.Load(EngineLocator.Scenarios());
            var backend = CommonOptions.WithFs(CommonOptions.ParseBackend(backendName, command), fs, string.CompareOrdinal(level, BlackBoxCeiling(catalog)) > 0, fuseCpu);
            whiteBox = backend.WhiteBox;
            if (!whiteBox && BlackBoxCeiling(catalog) is var ceiling && string.CompareOrdinal(level, ceiling) > 0)
                return (CommonOptions.Usage("certify", $"a black-box backend can be certified at {ceiling} at most: {level} needs scenarios that inject faults through the CrashLab shim (power loss, torn writes, fsync errors), and with --fs direct a --backend-cmd backend does not run on it. Ask for --level {ceiling}, or leave --fs at auto to run it on a FUSE mount."), null);
            var scenarios = SplitBudget([.. catalog.UpTo(level).Where(s => whiteBox || !s.NeedsShim)], budget);
            if (chains is < 1)
                return (CommonOptions.Usage("certify", "--chains must be at least 1"), null);
            settings = new CampaignSettings(backend, backendName ?? command ?? "reference", command != null, scenarios, seed, workers, output.FullName)
            {
                Shard = shardText == null ? Shard.Whole : Shard.Parse(shardText),
                Chains = chains,
                CertifyLevel = level,
                Timeouts = CommonOptions.ParseTimeout(timeout),
                Profiles = CommonOptions.Profiles(profile),
                MountOnlyForTheShim = fs == CommonOptions.FsAuto,
            };
        }
        catch (FormatException e)
        {
            return (CommonOptions.Usage("certify", e.Message), null);
        }

        if (CommonOptions.CannotRun("certify", settings.Backend) is { } cannot)
            return (cannot, null);

        // A backend that does not speak the protocol gets the check's precise report, not a confusing violation minutes later.
        // Stopped during the check, the campaign below runs no scenario and writes reports that say stopped.
        using var checkReport = new StringWriter();
        var checkedCode = await CheckCommand.RunAsync(settings.Backend, checkReport, settings.Timeouts.Request, linesOnlyOnFailure: true).ConfigureAwait(false);
        Console.Write(checkReport);
        if (checkedCode != ExitCodes.Pass && !StopSignals.Current.Stop.IsCancellationRequested)
        {
            // The reason belongs with the run's other results, where a CI job collects them.
            var written = Path.Combine(output.FullName, "check.txt");
            try
            {
                Harness.Reports.AtomicFile.Write(written, checkReport.ToString());
            }
            catch (Exception e) when (HarnessFault.Is(e))
            {
                return (CommonOptions.HarnessFailure("certify", e), null);
            }

            Console.WriteLine($"certify: stopped before any crash test: fix what crashlab check reports above (docs/protocol.md), then certify again (also written to {written})");
            return (checkedCode, null);
        }

        Console.WriteLine(BudgetLine(settings.Scenarios));
        var (code, tally) = await CampaignCommand.Execute(settings, token).ConfigureAwait(false);
        if (tally == null)
            return (code, null);
        if (tally.StoppedBy != null)
        {
            Console.WriteLine($"stopped early by {tally.StoppedBy}: no certificate for an unfinished run");
            return (code, null);
        }

        if (!settings.Shard.IsWhole)
        {
            Console.WriteLine($"shard {settings.Shard}: no certificate for part of a campaign; crashlab merge the shards' directories to issue it");
            return (code, null);
        }

        var certificate = Certificate.From(settings.BackendLabel, whiteBox, level, catalog, settings.Scenarios, tally, seed) with { Fs = settings.Backend.Fuse ? CommonOptions.FsFuse : null, ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
        try
        {
            // The certificate last, each file whole: a run that dies before it leaves reports and no certificate.
            ReportWriter.Write(settings, tally, certificate);
            Harness.Reports.AtomicFile.Write(Path.Combine(output.FullName, "certificate.txt"), certificate.ToText() + Environment.NewLine);
            Harness.Reports.AtomicFile.Write(Path.Combine(output.FullName, "certificate.json"), certificate.ToJson());
        }
        catch (Exception e) when (HarnessFault.Is(e))
        {
            return (CommonOptions.HarnessFailure("certify", e), null);
        }

        Console.WriteLine();
        Console.WriteLine(certificate.ToText());
        if (certificate.Certified)
            return (ExitCodes.Pass, certificate);
        return (certificate.Levels.Any(l => l.Violations > 0) ? ExitCodes.Violation : certificate.Inconclusive ? ExitCodes.Inconclusive : ExitCodes.Usage, certificate);
    }
}
