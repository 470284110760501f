using System.Diagnostics;
using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>Campaigns against hostile backends end, within a minute, in a clean finding (exit 1) and reports that hold it.</summary>
public sealed class HostileBackendTests : CliTest
{
    [Fact]
    public async Task Campaign_ReplyLineOf256MiB_Exits1WithAProtocolFinding()
    {
        var clock = Stopwatch.StartNew();

        // Reading 64 MiB from Python can take most of the default 30 s on a loaded machine: the timeout must not name it first.
        var result = await Crashlab.RunAsync("campaign", "--backend-cmd", Scripted(new { start = new[] { Ready }, huge_mib = 256, then = "hang" }), "--budget", "3", "--out", Out, "--timeout", "100s");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"(?i)stdout line longer than 64 MiB.* \(rule protocol\)", result.Stdout);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        AssertReportsHoldTheFinding();
    }

    [Fact]
    public async Task Campaign_DeafBackendFloodingStderr_Exits1WithinAMinute()
    {
        var clock = Stopwatch.StartNew();
        var result = await CampaignAsync("flood.py", $"import sys\nprint({JsonSerializer.Serialize(Ready.TrimEnd('\n'))}, flush=True)\nwhile True:\n    sys.stderr.write('x' * 100000 + '\\n')\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rule 6-liveness", result.Stdout, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        AssertReportsHoldTheFinding();
    }

    private const string Ready = "{\"event\":\"ready\",\"protocol\":1,\"backend\":\"hostile\",\"first_lsn\":1,\"next_lsn\":1,\"corruption\":null}\n";

    private string Scripted(object script)
    {
        var path = Path.Combine(Dir, "script.json");
        var encoded = JsonSerializer.Serialize(script, ScriptJson);
        File.WriteAllText(path, encoded);
        return $"python3 {Path.Combine(AppContext.BaseDirectory, "Fakes", "scripted.py")} {path}";
    }

    private void AssertReportsHoldTheFinding()
    {
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "report.json")));
        Assert.Equal("fail", report.RootElement.GetProperty("verdict").GetString());
        var caseFile = Assert.Single(Directory.GetFiles(Path.Combine(Out, "cases")));
        Assert.InRange(new FileInfo(caseFile).Length, 1, 1 << 20);
    }


    private static readonly JsonSerializerOptions ScriptJson = new() { Converters = { new Base64Lines() } };

    /// <summary>The scripted fake takes its lines as base64.</summary>
    private sealed class Base64Lines : System.Text.Json.Serialization.JsonConverter<string[]>
    {
        public override string[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, string[] value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var line in value)
                writer.WriteBase64StringValue(System.Text.Encoding.UTF8.GetBytes(line));
            writer.WriteEndArray();
        }
    }
}
