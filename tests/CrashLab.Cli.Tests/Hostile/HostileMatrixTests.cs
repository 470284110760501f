using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace CrashLab.Cli.Tests.Hostile;

/// <summary>
/// Every hostile behaviour against one command that starts a backend (one subclass per command, so
/// the commands run in parallel): the command ends within a generous bound whatever the backend
/// does, with a finding (exit 1) that names what it did; never exit 3, never a stack trace. The
/// behaviours the protocol allows get no finding. Short timeouts keep the matrix to minutes.
/// </summary>
public abstract class HostileMatrixTests(ITestOutputHelper output) : CliTest
{
    /// <summary>A liveness check, not a performance test: the backend's timeout plus start-ups, many times over.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary>A line of a .NET stack trace ("   at Namespace.Type.Method(...)").</summary>
    private static readonly Regex StackFrame = new(@"(?m)^\s+at [\w.`<>+]+\(", RegexOptions.None, TimeSpan.FromSeconds(1));

    protected abstract string Name { get; }

    /// <summary>The command line for a backend; <paramref name="timeout"/> is the backend's --timeout.</summary>
    protected abstract Task<string[]> ArgumentsAsync(string backendCommand, string timeout);

    /// <summary>Exit codes of a run with no finding (certify's short budget may be inconclusive, 4).</summary>
    protected virtual int[] NoFinding => [ExitCodes.Pass];

    [Theory]
    [MemberData(nameof(HostileBackend.Modes), MemberType = typeof(HostileBackend))]
    public async Task EndsWithinTheBound_NamingWhatTheBackendDid(string mode)
    {
        var behaviour = HostileBackend.Of(mode);
        // A hostile backend is named after 4 s of silence (a Python start on a loaded machine can take 2);
        // a correct one may take longer for a 16 MiB record.
        var arguments = await ArgumentsAsync(HostileBackend.Command(mode), behaviour.Allowed ? "30s" : "4s");
        var clock = Stopwatch.StartNew();

        var result = await Crashlab.RunAsync(arguments);

        clock.Stop();
        output.WriteLine($"{Name} × {mode}: exit {result.ExitCode}, {clock.Elapsed.TotalSeconds:0.0} s");
        if (Environment.GetEnvironmentVariable("CRASHLAB_MATRIX_LOG") is { Length: > 0 } log)
            await File.AppendAllTextAsync(log, $"{Name}\t{mode}\t{result.ExitCode}\t{clock.Elapsed.TotalSeconds:0.0}\n");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.DoesNotContain("internal error", result.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame, result.Output);
        if (behaviour.Allowed)
        {
            Assert.True(NoFinding.Contains(result.ExitCode), $"{mode} is allowed by the protocol, yet exit {result.ExitCode}:\n{result.Output}");
            Assert.DoesNotContain("FAIL", result.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.ExitCode == ExitCodes.Violation, $"{mode}: exit {result.ExitCode}, expected 1:\n{result.Output}");
            Assert.True(behaviour.Named.Any(n => result.Stdout.Contains(n, StringComparison.OrdinalIgnoreCase)), $"{mode}: the output names none of [{string.Join(" | ", behaviour.Named)}]:\n{result.Output}");
        }
    }
}

public sealed class CheckMatrixTests(ITestOutputHelper output) : HostileMatrixTests(output)
{
    protected override string Name => "check";

    protected override Task<string[]> ArgumentsAsync(string backendCommand, string timeout)
        => Task.FromResult<string[]>(["check", "--backend-cmd", backendCommand, "--timeout", timeout]);
}

public sealed class CampaignMatrixTests(ITestOutputHelper output) : HostileMatrixTests(output)
{
    protected override string Name => "campaign";

    protected override Task<string[]> ArgumentsAsync(string backendCommand, string timeout)
        => Task.FromResult<string[]>(["campaign", "--backend-cmd", backendCommand, "--budget", "3", "--out", Out, "--timeout", timeout]);
}

public sealed class CertifyMatrixTests(ITestOutputHelper output) : HostileMatrixTests(output)
{
    protected override string Name => "certify";

    protected override int[] NoFinding => [ExitCodes.Pass, ExitCodes.Inconclusive];

    protected override Task<string[]> ArgumentsAsync(string backendCommand, string timeout)
        => Task.FromResult<string[]>(["certify", "--backend-cmd", backendCommand, "--level", "L1", "--budget", "3", "--out", Out, "--timeout", timeout]);
}

public sealed class ReplayMatrixTests(ITestOutputHelper output) : HostileMatrixTests(output)
{
    protected override string Name => "replay";

    protected override async Task<string[]> ArgumentsAsync(string backendCommand, string timeout)
        => ["replay", await HostileBackend.CaseFor(backendCommand, Dir), "--backend-cmd", backendCommand, "--timeout", timeout];
}

public sealed class ShrinkMatrixTests(ITestOutputHelper output) : HostileMatrixTests(output)
{
    protected override string Name => "shrink";

    protected override async Task<string[]> ArgumentsAsync(string backendCommand, string timeout)
        => ["shrink", await HostileBackend.CaseFor(backendCommand, Dir), "--timeout", timeout, "--attempts", "3"];
}
