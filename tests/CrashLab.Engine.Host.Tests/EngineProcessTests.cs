using System.Diagnostics;
using System.Text.Json;

namespace CrashLab.Engine.Host.Tests;

/// <summary>The engine host as a real child process: start, append with sync, SIGKILL, restart, read back.</summary>
public sealed class EngineProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crashlab-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Engine_SigkilledAfterSyncedAppends_RecoversEveryAcknowledgedRecord()
    {
        var written = new List<byte[]>();
        using (var engine = await EngineChild.StartAsync(_dir))
        {
            Assert.Equal(1, engine.Ready.GetProperty("next_lsn").GetInt64());
            for (var i = 1; i <= 30; i++)
            {
                var record = new byte[i * 97];
                Random.Shared.NextBytes(record);
                written.Add(record);
                await engine.SendAsync($$"""{"id":{{i}},"op":"append","records":["{{Convert.ToBase64String(record)}}"],"sync":true}""");
            }

            for (var i = 1; i <= 30; i++)
                Assert.True((await engine.ReplyAsync()).GetProperty("ok").GetBoolean());
            engine.Kill();
        }

        using var restarted = await EngineChild.StartAsync(_dir);
        Assert.Equal(31, restarted.Ready.GetProperty("next_lsn").GetInt64());
        Assert.Equal(JsonValueKind.Null, restarted.Ready.GetProperty("corruption").ValueKind);
        await restarted.SendAsync("""{"id":1,"op":"read","from_lsn":1,"max_records":100}""");
        var records = (await restarted.ReplyAsync()).GetProperty("records").EnumerateArray().Select(r => r.GetProperty("data").GetBytesFromBase64());
        Assert.Equal(written, records);
    }

    [Fact]
    public async Task Engine_NoDataDirectory_WritesFatalAndExitsNonZero()
    {
        var start = EngineChild.StartInfo(_dir);
        start.Environment.Remove("CRASHLAB_DATA_DIR");
        using var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync();
        await process.WaitForExitAsync();

        Assert.Equal("fatal", JsonDocument.Parse(line!).RootElement.GetProperty("event").GetString());
        Assert.NotEqual(0, process.ExitCode);
    }

    private sealed class EngineChild : IDisposable
    {
        private readonly Process _process;

        private EngineChild(Process process, JsonElement ready)
        {
            _process = process;
            Ready = ready;
        }

        public JsonElement Ready { get; }

        public static ProcessStartInfo StartInfo(string dataDir)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "crashlab-engine.dll"));
            start.ArgumentList.Add("--segment-bytes");
            start.ArgumentList.Add("64KiB");
            start.Environment["CRASHLAB_DATA_DIR"] = dataDir;
            start.Environment["CRASHLAB_PROTOCOL"] = "1";
            return start;
        }

        public static async Task<EngineChild> StartAsync(string dataDir)
        {
            var process = Process.Start(StartInfo(dataDir))!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var ready = JsonDocument.Parse(line!).RootElement;
            Assert.Equal("ready", ready.GetProperty("event").GetString());
            return new EngineChild(process, ready);
        }

        public async Task SendAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        public async Task<JsonElement> ReplyAsync()
            => JsonDocument.Parse((await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)))!).RootElement;

        /// <summary>SIGKILL: no chance to flush or clean up.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                Kill();
            _process.Dispose();
        }
    }
}
