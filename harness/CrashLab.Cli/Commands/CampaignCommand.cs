using System.CommandLine;
using CrashLab.Harness.Campaigns;
using CrashLab.Cli.Hosting;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab campaign: kill a backend mid-write, over and over, and check every recovery.</summary>
internal static class CampaignCommand
{
    public static Command Create()
    {
        var backend = CommonOptions.Backend();
        var command = CommonOptions.BackendCommand();
        var scenario = new Option<string>("--scenario") { Description = "a scenario name, a comma-separated list, or all", DefaultValueFactory = _ => "process-kill" };
        var cycles = new Option<int?>("--budget") { Description = "crash states to check per scenario (default: the scenario's own budget); not with --duration" };
        var oldCycles = CommonOptions.Renamed("--cycles", "--budget");
        var duration = new Option<string?>("--duration") { Description = "time budget for the whole campaign, e.g. 60s or 5m" };
        var seed = CommonOptions.Seed();
        var workers = CommonOptions.Workers();
        var output = CommonOptions.Out("crashlab-out");
        var keepGoing = CommonOptions.KeepGoing();
        var shard = CommonOptions.Shard();
        var chains = CommonOptions.Chains();
        var fs = CommonOptions.Fs();
        var fuseCpu = CommonOptions.FuseCpuChoice();
        var timeout = CommonOptions.Timeout();
        var profile = CommonOptions.Profile();
        var result = new Command("campaign", "Crash-test a backend: load it, SIGKILL it at random moments, restart it, check every recovery.")
        {
            backend, command, scenario, cycles, duration, seed, workers, output, keepGoing, shard, chains, fs, fuseCpu, timeout, profile, oldCycles,
        };
        CommonOptions.Examples(result,
            "crashlab campaign --budget 200                          # the reference engine, scenario process-kill",
            "crashlab campaign --backend-cmd \"python3 my_wal.py\" --duration 5m --scenario all",
            "crashlab campaign --backend mutant:torn-tail-not-cut --scenario power-loss-torn-sectors",
            "crashlab campaign --backend-cmd \"./my_rust_wal\" --scenario power-loss-torn-sectors   # through FUSE (root)");
        result.SetAction((parse, token) => RunAsync(new CampaignRequest(
            parse.GetValue(backend), parse.GetValue(command), parse.GetValue(scenario)!, parse.GetValue(cycles), parse.GetValue(duration),
            parse.GetValue(seed), parse.GetValue(workers), parse.GetValue(output)!, parse.GetValue(keepGoing), parse.GetValue(shard), parse.GetValue(chains), parse.GetValue(fs)!, parse.GetValue(timeout), parse.GetValue(profile)!, parse.GetValue(fuseCpu)!), token));
        return result;
    }

    private sealed record CampaignRequest(string? Backend, string? Command, string Scenario, int? Cycles, string? Duration, ulong Seed, int Workers, DirectoryInfo Out, bool KeepGoing, string? Shard, int? Chains, string Fs, string? Timeout, string Profile, string FuseCpu);

    private static async Task<int> RunAsync(CampaignRequest request, CancellationToken token)
    {
        CampaignSettings settings;
        try
        {
            var scenarios = ScenarioCatalog.Load(EngineLocator.Scenarios()).Select(request.Scenario);
            var backend = CommonOptions.WithFs(CommonOptions.ParseBackend(request.Backend, request.Command), request.Fs, scenarios.Any(s => s.NeedsShim), request.FuseCpu);
            if (!backend.WhiteBox && scenarios.FirstOrDefault(s => s.NeedsShim) is { } shim)
                return CommonOptions.Usage("campaign", $"scenario {shim.Name} needs the CrashLab shim: {backend} is a black-box backend and --fs direct keeps it off FUSE (use --fs auto or fuse)");
            if (request.Cycles is < 1)
                return CommonOptions.Usage("campaign", "--budget must be at least 1");
            if (request.Cycles != null && request.Duration != null)
                return CommonOptions.Usage("campaign", "give --budget (crash states per scenario) or --duration (time for the whole campaign), not both");
            if (request.Chains is < 1)
                return CommonOptions.Usage("campaign", "--chains must be at least 1");
            settings = new CampaignSettings(backend, request.Backend ?? request.Command ?? "reference", request.Command != null, scenarios, request.Seed, request.Workers, request.Out.FullName)
            {
                StatesPerScenario = request.Cycles,
                Duration = request.Duration == null ? null : CommonOptions.ParseDuration(request.Duration),
                KeepGoing = request.KeepGoing,
                Shard = request.Shard == null ? Shard.Whole : Shard.Parse(request.Shard),
                Chains = request.Chains,
                Timeouts = CommonOptions.ParseTimeout(request.Timeout),
                Profiles = CommonOptions.Profiles(request.Profile),
                MountOnlyForTheShim = request.Fs == CommonOptions.FsAuto,
            };
        }
        catch (FormatException e)
        {
            return CommonOptions.Usage("campaign", e.Message);
        }

        return CommonOptions.CannotRun("campaign", settings.Backend) ?? (await Execute(settings, token).ConfigureAwait(false)).Code;
    }

    /// <summary>
    /// Runs a campaign, hosted (<see cref="CampaignHost"/>), and prints its summary; the tally is
    /// null when the harness itself failed. An earlier run's reports in the directory are moved
    /// aside first. A signal stops it (see <see cref="StopSignals"/>): exit 1 if a violation was
    /// found before, else 130/143; never 0.
    /// </summary>
    internal static Task<(int Code, CampaignTally? Tally)> Execute(CampaignSettings settings, CancellationToken token)
        => CampaignHost.RunAsync(settings, StopSignals.Current, token);
}
