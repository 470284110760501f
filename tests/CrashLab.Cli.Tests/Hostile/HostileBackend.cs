using System.Text.Json.Nodes;

namespace CrashLab.Cli.Tests.Hostile;

/// <summary>
/// Fakes/hostile.py: the Python example WAL with one misbehaviour laid over it, and the table of
/// what each misbehaviour is and how CrashLab must name it.
/// </summary>
public static class HostileBackend
{
    /// <param name="Mode">hostile.py's mode.</param>
    /// <param name="Allowed">The protocol allows it (stderr noise, a closed stderr, SIGTERM ignored): the backend is otherwise correct, so no finding.</param>
    /// <param name="Named">What the output says the backend did (any one of them): what made it a finding.</param>
    public sealed record Behaviour(string Mode, bool Allowed, params string[] Named)
    {
        public override string ToString() => Mode;
    }

    public static readonly IReadOnlyList<Behaviour> All =
    [
        new("never-ready", false, "no ready event"),
        new("silent", false, "the backend stopped answering", "got no reply within"),
        new("deaf", false, "the backend stopped answering", "got no reply within", "stopped reading its stdin"),
        new("close-stdout", false, "closed its stdout but kept running", "closed stdout but kept running"),
        new("mid-line", false, "the backend stopped answering", "got no reply within"),
        new("wrong-ids", false, "ids never sent", "a reply with unknown id"),
        new("exit-nth", false, "the backend exited (exit status 1)", "died on its first"),
        new("fork-child", false, "still holds its stdout open"),
        new("flood-silent", false, "the backend stopped answering", "got no reply within"),
        new("flood-stderr", true),
        new("close-stderr", true),
        new("ignore-sigterm", true),
    ];

    public static TheoryData<string> Modes() => [.. All.Select(b => b.Mode)];

    public static Behaviour Of(string mode) => All.Single(b => b.Mode == mode);

    public static string Script => Path.Combine(AppContext.BaseDirectory, "Fakes", "hostile.py");

    /// <summary>The --backend-cmd that runs hostile.py in <paramref name="mode"/>.</summary>
    public static string Command(string mode) => $"python3 {Script} {mode}";

    /// <summary>
    /// A white-box case (the reference engine's mutant ack-before-fdatasync losing synced records
    /// to power loss), made once per test run: replay and shrink need a saved failure to start from.
    /// </summary>
    private static readonly Lazy<Task<string>> WhiteBoxCase = new(async () =>
    {
        var dir = Directory.CreateTempSubdirectory("crashlab-hostile-case-").FullName;
        // One profile, so the scenario stops at its first violation and saves one case (under
        // all profiles it goes on until ext4-ordered fails too, and saves one case per profile).
        var result = await Crashlab.RunAsync("campaign", "--backend", "mutant:ack-before-fdatasync", "--scenario", "power-loss-drop-all", "--profile", "posix", "--budget", "100", "--out", dir);
        Assert.True(result.ExitCode == 1, $"the mutant's campaign should fail and save a case: {result.Output}");
        return Directory.GetFiles(Path.Combine(dir, "cases")).Single();
    });

    /// <summary>
    /// The white-box case, saved again in <paramref name="dir"/> as if <paramref name="command"/> had
    /// failed it without FUSE (fs direct), judged by what its own run acknowledges: shrink runs a case's own backend.
    /// </summary>
    public static async Task<string> CaseFor(string command, string dir)
    {
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(await WhiteBoxCase.Value))!.AsObject();
        saved["backend"] = command;
        saved["backend_is_command"] = true;
        saved["fs"] = "direct";
        // What the mutant acknowledged is not what this backend acknowledged: its own run tells.
        saved["white_box"]!.AsObject().Remove("model_after_run");
        var path = Path.Combine(dir, "case.json");
        await File.WriteAllTextAsync(path, saved.ToJsonString());
        return path;
    }
}
