namespace CrashLab.Cli.Tests;

/// <summary>
/// `crashlab` is a real command: scripts/install.sh links it into a bin directory, and the wrapper
/// rebuilds only when a source is newer than the last build (a timestamp check, not a dotnet call).
/// </summary>
public sealed class InstallTests : CliTest
{
    private string Published => Path.Combine(Dir, "published");

    private string FakeBin => Path.Combine(Dir, "fake-bin");

    private string DotnetCalled => Path.Combine(Dir, "dotnet-called");

    /// <summary>An "already published" CLI (the one built beside these tests) and a dotnet that only notes it was called.</summary>
    private Dictionary<string, string> Prepare(DateTime built)
    {
        Directory.CreateDirectory(Published);
        File.CreateSymbolicLink(Path.Combine(Published, "crashlab"), Path.Combine(AppContext.BaseDirectory, "crashlab"));
        var stamp = Path.Combine(Published, ".crashlab-built");
        File.WriteAllText(stamp, "");
        File.SetLastWriteTimeUtc(stamp, built);
        Directory.CreateDirectory(FakeBin);
        var dotnet = Path.Combine(FakeBin, "dotnet");
        File.WriteAllText(dotnet, $"#!/bin/sh\necho \"$@\" >> {DotnetCalled}\nexit 1\n");
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new() { ["PATH"] = $"{FakeBin}:{Environment.GetEnvironmentVariable("PATH")}", ["CRASHLAB_OUT"] = Published };
    }

    [Fact]
    public async Task PublishCli_NothingNewerThanTheLastBuild_PrintsTheCommandWithoutCallingDotnet()
    {
        var environment = Prepare(DateTime.UtcNow.AddMinutes(1));

        var result = await Repository.BashAsync($"scripts/publish-cli.sh {Published}", Repository.Root, environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Path.Combine(Published, "crashlab"), result.Stdout.Trim());
        Assert.False(File.Exists(DotnetCalled), "an up-to-date CLI must not be rebuilt");
    }

    [Fact]
    public async Task PublishCli_ASourceNewerThanTheLastBuild_Rebuilds()
    {
        var environment = Prepare(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var result = await Repository.BashAsync($"scripts/publish-cli.sh {Published}", Repository.Root, environment);

        Assert.Contains("building crashlab", result.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(DotnetCalled), "a CLI older than its sources must be rebuilt");
    }

    [Fact]
    public async Task Install_IntoABinDirectory_GivesACrashlabCommandThatRunsFromAnyDirectory()
    {
        var environment = Prepare(DateTime.UtcNow.AddMinutes(1));
        var bin = Path.Combine(Dir, "bin");

        var install = await Repository.BashAsync($"scripts/install.sh {bin}", Repository.Root, environment);
        environment["PATH"] = $"{bin}:{environment["PATH"]}";
        var version = await Repository.BashAsync("crashlab --version", "/", environment);

        Assert.Equal(0, install.ExitCode);
        Assert.Contains($"installed {bin}/crashlab", install.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
    }
}
