using System.Text;
using System.Text.Json;
using System.Xml;
using CrashLab.Harness.Backends;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Tests.Fakes;
using CrashLab.Harness.Tests.Oracle;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>
/// "Never trust the system under test": whatever a backend writes on stdout or stderr ends as a
/// clean finding with a bounded, printable message, and never as an exception in the harness.
/// </summary>
public sealed class HostileOutputTests : IDisposable
{
    private static readonly HarnessTimeouts Quick = BackendProcessTests.Quick;
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> StartNames => [.. HostileLines.Starts.Keys];

    public static TheoryData<string> ReplyNames => [.. HostileLines.Replies.Keys];

    public static TheoryData<string> ReadReplyNames => [.. HostileLines.ReadReplies.Keys];

    [Theory]
    [MemberData(nameof(StartNames))]
    public async Task Start_HostileOutput_IsACleanFinding(string name)
    {
        var script = new HostileScript { Then = "hang" };
        script.Start.AddRange(HostileLines.Starts[name]);

        await AssertCleanFindingAsync(await JudgeFreshStartAsync(script, _dir));
    }

    [Theory]
    [MemberData(nameof(ReplyNames))]
    public async Task Probe_HostileReply_IsACleanFinding(string name)
    {
        var script = new HostileScript { Then = "hang" };
        script.Start.Add(HostileLines.Ready());
        script.Replies.Add([.. HostileLines.Replies[name]]);

        await AssertCleanFindingAsync(await JudgeFreshStartAsync(script, _dir));
    }

    [Theory]
    [MemberData(nameof(ReadReplyNames))]
    [MemberData(nameof(ReplyNames))]
    public async Task Read_HostileReply_IsACleanFinding(string name)
    {
        var script = new HostileScript { Then = "hang" };
        script.Start.Add(HostileLines.Ready(next: 2));
        script.Replies.Add([.. HostileLines.ReadReplies.GetValueOrDefault(name) ?? HostileLines.Replies[name]]);

        await AssertCleanFindingAsync(await JudgeRecoveryAsync(script, _dir));
    }

    [Fact]
    public async Task Start_GiantLine_IsCutAtTheLimitNotReadToItsEnd()
    {
        var script = new HostileScript { HugeMib = 300, Then = "hang" };

        var start = await JudgeFreshStartAsync(script, _dir);

        await AssertCleanFindingAsync(start);
        Assert.Contains("longer than 1 MiB", start.Verdict.Violation!.Message, StringComparison.Ordinal);
        // The fake logs each MiB the pipe took: the harness stopped reading near the limit (the kill may
        // even land before the first log line), never anywhere near 300 MiB.
        var written = (start.Stderr ?? "").Split('\n').Count(l => l.StartsWith("wrote ", StringComparison.Ordinal));
        Assert.InRange(written, 0, 8);
    }

    [Fact]
    public async Task Start_HugeStderrLineWithoutNewline_KeepsStderrBounded()
    {
        var script = new HostileScript { Stderr = Encoding.ASCII.GetBytes(new string('e', 8 << 20)), Then = "exit" };

        var start = await JudgeFreshStartAsync(script, _dir);

        await AssertCleanFindingAsync(start);
        Assert.Contains("more bytes of this line", start.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_BackendStopsReadingStdin_IsALivenessFindingWithinTheTimeout()
    {
        var script = new HostileScript { Then = "deaf" };
        script.Start.Add(HostileLines.Ready());
        var process = await BackendProcess.StartAsync(script.WriteTo(_dir), new BackendEnvironment(_dir), Quick, CancellationToken.None);
        await using (process)
        {
            // 4 MiB of appends cannot fit in a pipe nobody reads: the write itself must give up.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var finding = await Assert.ThrowsAsync<BackendFindingException>(() => new ProtocolLog(process, CancellationToken.None).AppendAsync([new byte[4 << 20]], sync: true));

            Assert.Equal(Rules.Liveness, finding.Rule);
            Assert.Contains("stopped reading its stdin", finding.Message, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, Quick.Request * 3);
        }
    }

    internal static async Task<JudgedStart> JudgeFreshStartAsync(HostileScript script, string dir)
        => await new RecoveryJudge(new ChainModel(new Payloads(1)), faultsExplainRefusal: false)
            .StartAsync(script.WriteTo(dir), new BackendEnvironment(dir), Quick, CancellationToken.None);

    /// <summary>A model that knows one durable record: the judge reads it back (the hostile reply answers that read).</summary>
    internal static async Task<JudgedStart> JudgeRecoveryAsync(HostileScript script, string dir)
    {
        var history = new History();
        history.Append(1, BatchState.Durable);
        return await new RecoveryJudge(history.Model, faultsExplainRefusal: false)
            .StartAsync(script.WriteTo(dir), new BackendEnvironment(dir), Quick, CancellationToken.None);
    }

    /// <summary>A violation, with a message every report can hold: bounded, one line, printable, valid as JSON and XML.</summary>
    internal static async Task AssertCleanFindingAsync(JudgedStart start)
    {
        if (start.Process != null)
            await start.Process.DisposeAsync();
        var violation = start.Verdict.Violation;
        Assert.True(violation != null, $"no finding: the start was {start.Verdict.Outcome}");
        Assert.InRange(violation.Message.Length, 1, Violation.MaxMessageChars + 100);
        Assert.DoesNotContain(violation.Message, c => char.IsControl(c) || char.IsSurrogate(c));
        Assert.Contains(violation.Rule, JsonSerializer.Serialize(violation), StringComparison.Ordinal);
        using (var xml = XmlWriter.Create(new StringBuilder()))
        {
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("message", violation.Message);
            xml.WriteEndElement();
        }

        Assert.InRange(start.Stderr?.Length ?? 0, 0, 80 << 10);
    }
}
