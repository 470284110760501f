using System.Diagnostics;
using Xunit.Abstractions;

namespace CrashLab.Testing.Tests.Packaging;

/// <summary>
/// The kit as a C# team gets it: scripts/pack-kit.sh packs it into out/packages, and the example
/// (a project outside this solution, restoring CrashLab only from that folder) builds against it;
/// its properties pass on the correct ledger and fail, with FsCheck's replay seed, under each bug.
/// </summary>
public sealed class PackedKitTests(ITestOutputHelper output)
{
    private const string Example = "examples/csharp-engine/tests/Acme.Ledger.Tests";

    [Fact]
    public async Task Example_AgainstThePackedKit_PassesCorrectAndFailsWithAReplaySeedUnderEachBug()
    {
        var root = RepositoryRoot();
        var pack = await RunAsync(root, null, "bash", "scripts/pack-kit.sh");
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.Contains("out/packages/CrashLab.Testing.", pack.Output, StringComparison.Ordinal);

        var correct = await RunAsync(root, null, "dotnet", "test", Example);
        Assert.True(correct.ExitCode == 0, correct.Output);
        Assert.Contains("Passed!", correct.Output, StringComparison.Ordinal);
        Assert.Contains("crashlab-local", File.ReadAllText(Path.Combine(root, "examples/csharp-engine/nuget.config")), StringComparison.Ordinal);

        foreach (var (bug, rule) in new[] { ("ack-before-fsync", "rule 4-durability"), ("rename-without-fsync", "rule 6-liveness") })
        {
            var broken = await RunAsync(root, bug, "dotnet", "test", Example, "--no-build");
            output.WriteLine($"--- {bug} ---{Environment.NewLine}{broken.Output}");
            Assert.True(broken.ExitCode == 1, broken.Output);
            Assert.Contains("Falsifiable", broken.Output, StringComparison.Ordinal);
            Assert.Matches(@"\(\d+,\s?\d+\)", broken.Output); // the seed to paste into [Property(Replay = ...)]
            Assert.Contains($"CrashLab: {rule}", broken.Output, StringComparison.Ordinal);
        }
    }

    private sealed record Result(int ExitCode, string Output);

    private static async Task<Result> RunAsync(string root, string? bug, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // A clean `dotnet test` of another project: nothing inherited from the test host running this one.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VSTEST", StringComparison.Ordinal) || k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        if (bug != null)
            start.Environment["ACME_LEDGER_BUG"] = bug;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20)); // builds on a loaded machine; a liveness bound, not a speed test
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrashLab.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"no CrashLab.sln above {AppContext.BaseDirectory}");
    }
}
