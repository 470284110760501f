using System.Diagnostics;
using FsCheck;
using FsCheck.Xunit;

namespace CrashLab.Cli.Tests.Hostile;

/// <summary>
/// hostile.py mixing its behaviours: each life of the backend takes one (and its N) from a seed, so
/// a campaign meets several in one run. Whatever the mix, the campaign ends within the bound with a
/// pass or a named finding, never a harness failure. A failing seed is printed and replays exactly
/// (hostile.py mix SEED); FsCheck prints its own replay seed too.
/// </summary>
public sealed class HostileFuzzTests : CliTest
{
    [Property(MaxTest = 4)]
    public async Task Campaign_AgainstMixedMisbehaviour_EndsWithinTheBoundWithAPassOrANamedFinding(PositiveInt seed)
    {
        var backend = $"python3 {HostileBackend.Script} mix {seed.Get}";
        var clock = Stopwatch.StartNew();

        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", backend, "--budget", "3", "--timeout", "2s", "--out", Path.Combine(Out, seed.Get.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var replay = $"replay with: crashlab campaign --backend-cmd \"{backend}\" --budget 3 --timeout 2s";
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"mix seed {seed.Get} took {clock.Elapsed.TotalSeconds:0} s; {replay}");
        Assert.True(result.ExitCode is ExitCodes.Pass or ExitCodes.Violation, $"mix seed {seed.Get}: exit {result.ExitCode}; {replay}\n{result.Output}");
        Assert.True(result.ExitCode == ExitCodes.Pass || result.Stdout.Contains("rule ", StringComparison.Ordinal), $"mix seed {seed.Get}: a finding without its rule; {replay}\n{result.Output}");
        Assert.DoesNotContain("internal error", result.Output, StringComparison.Ordinal);
    }
}
