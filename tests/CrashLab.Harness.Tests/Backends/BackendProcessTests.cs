using System.Diagnostics;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>The launcher against backends that misbehave in every way the issue lists: each is a clear finding, never a harness crash.</summary>
public sealed class BackendProcessTests : IDisposable
{
    internal static readonly HarnessTimeouts Quick = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)) { MaxLineBytes = 1 << 20 };
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-fake-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Start_NoReadyEvent_IsALivenessFinding()
    {
        var finding = await Assert.ThrowsAsync<BackendFindingException>(() => Start("no-ready"));

        Assert.Equal("6-liveness", finding.Rule);
    }

    [Fact]
    public async Task Request_GarbageOnStdout_IsAProtocolFinding()
    {
        await using var backend = await Start("garbage");

        var finding = await Assert.ThrowsAsync<BackendFindingException>(() => backend.RequestAsync(new StatRequest()));

        Assert.Equal("protocol", finding.Rule);
        Assert.Contains("not JSON", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_StdoutFlood_IsAProtocolFindingAndTheBackendIsKilled()
    {
        await using var backend = await Start("flood-stdout");

        var finding = await Assert.ThrowsAsync<BackendFindingException>(() => backend.RequestAsync(new StatRequest()));

        Assert.Contains("longer than", finding.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, await backend.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Request_StderrFlood_StaysAnsweredAndTheLogStaysBounded()
    {
        await using var backend = await Start("flood-stderr");

        // Keep talking to it while it floods, until the flood has overflowed the log's budget.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (backend.Stderr.Dropped == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
            Assert.True((await backend.RequestAsync(new StatRequest())).Ok);

        Assert.True(backend.Stderr.Dropped > 0, "the backend's stderr flood never exceeded the log's budget");
        Assert.InRange(backend.Stderr.ToString().Length, 1, 80 << 10);
    }

    [Fact]
    public async Task Request_StdoutClosedWhileRunning_IsAProtocolFinding()
    {
        await using var backend = await Start("close-stdout");

        var error = await Record.ExceptionAsync(() => backend.RequestAsync(new StatRequest()));

        var finding = Assert.IsType<BackendFindingException>(error);
        Assert.Contains("closed stdout but kept running", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_Hang_IsALivenessFinding()
    {
        await using var backend = await Start("hang");

        var finding = await Assert.ThrowsAsync<BackendFindingException>(() => backend.RequestAsync(new StatRequest()));

        Assert.Equal("6-liveness", finding.Rule);
        Assert.Contains("no reply within", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_BackendExitsEarly_IsAnExitNotACrashOfTheHarness()
    {
        await using var backend = await Start("exit-early");

        await Assert.ThrowsAsync<BackendExitedException>(() => backend.RequestAsync(new StatRequest()));
        Assert.Equal(3, await backend.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Request_ReplyWithUnknownId_IsRecordedAsAFindingAndTheRequestTimesOut()
    {
        await using var backend = await Start("unknown-id");

        await Assert.ThrowsAsync<BackendFindingException>(() => backend.RequestAsync(new StatRequest()));

        Assert.Contains(backend.Findings, f => f.Message.Contains("unknown id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_CancelledWhileItsLineIsBeingWritten_StillWaitsForItsReply()
    {
        var script = new Fakes.HostileScript { Then = "hang" };
        script.Start.Add(Fakes.HostileLines.Ready());
        script.Replies.Add([Fakes.HostileLines.Line("""{"id":$ID,"ok":true,"first_lsn":1,"last_lsn":1}""")]);
        // Nothing here waits for a timeout, so the bounds are generous: at load 55 the Python fake's
        // start and its parse of the 6 MiB line once took longer than Quick's 3 s and 2 s.
        var generous = Quick with { Ready = TimeSpan.FromSeconds(60), Request = TimeSpan.FromSeconds(60) };
        await using var backend = await BackendProcess.StartAsync(script.WriteTo(_dir), new BackendEnvironment(_dir), generous, CancellationToken.None);
        using var kill = new CancellationTokenSource();

        // A 6 MiB line takes a while to cross the pipe; the kill token fires while it does.
        var submitted = backend.SubmitAsync(new AppendRequest([new byte[6 << 20]], Sync: false), kill.Token);
        kill.Cancel();
        var reply = await await submitted;

        Assert.IsType<AppendReply>(reply);
        Assert.Empty(backend.Findings);
    }

    /// <param name="mode">orphan: the child stays in the backend's group; orphan-own-session: it leaves it (setsid), so only the process tree leads to it.</param>
    [Theory]
    [InlineData("orphan")]
    [InlineData("orphan-own-session")]
    public async Task Kill_BackendWithAChildProcess_LeavesNoOrphan(string mode)
    {
        var marker = $"1{Random.Shared.Next(100000, 999999)}";
        await using (var backend = await Start(mode, marker))
        {
            Assert.Equal(1, CountProcesses(marker));
            backend.Kill();
            await backend.WaitForExitAsync(TimeSpan.FromSeconds(5));
        }

        for (var i = 0; i < 50 && CountProcesses(marker) > 0; i++)
            await Task.Delay(20); // the kernel reaps asynchronously; bounded wait, not a sleep to hide a race
        Assert.Equal(0, CountProcesses(marker));
    }

    private Task<BackendProcess> Start(params string[] arguments)
    {
        var spec = new BackendSpec("fake", "/bin/bash", [Path.Combine(AppContext.BaseDirectory, "Fakes", "fake.sh"), .. arguments], WhiteBox: false);
        return BackendProcess.StartAsync(spec, new BackendEnvironment(_dir), Quick, CancellationToken.None);
    }

    /// <summary>Processes whose command line holds <paramref name="marker"/> (the orphan's sleep argument).</summary>
    private static int CountProcesses(string marker)
        => Directory.GetDirectories("/proc").Count(dir =>
        {
            try
            {
                return int.TryParse(Path.GetFileName(dir), out _)
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains($"sleep 300 {marker}", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });
}
