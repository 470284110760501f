using System.Diagnostics;
using System.Text.Json;

namespace CrashLab.Engine.Host.Tests;

/// <summary>The engine host as a real child process: start, append with sync, SIGKILL, restart, read back.</summary>
public sealed class EngineProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crashlab-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetDirectoryName(_dir)!, Path.GetFileName(_dir) + "*"))
            Directory.Delete(dir, recursive: true);
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

    [Fact]
    public async Task Engine_InvalidFaultPlan_WritesFatalSayingWhy()
    {
        var plan = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(plan, """{"version":1,"sector_size":1000}""");
        var start = EngineChild.StartInfo(_dir);
        start.Environment["CRASHLAB_FAULT_PLAN"] = plan;
        using var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync();
        await process.WaitForExitAsync();
        File.Delete(plan);

        var fatal = JsonDocument.Parse(line!).RootElement;
        Assert.Equal("fatal", fatal.GetProperty("event").GetString());
        Assert.Contains("sector_size", fatal.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, process.ExitCode);
    }

    [Fact]
    public async Task Engine_KilledByItsCrashPoint_EveryCrashStateRecoversTheAcknowledgedRecords()
    {
        var trace = _dir + "-trace";
        var plan = _dir + "-plan.json";
        await File.WriteAllTextAsync(plan, """{"version":1,"seed":3,"crash":{"at_op":31,"perform_bytes":300}}""");
        var acked = new List<byte[]>();
        using (var engine = await EngineChild.StartAsync(_dir, ("CRASHLAB_FAULT_PLAN", plan), ("CRASHLAB_TRACE_DIR", trace)))
        {
            for (var i = 1; i <= 100; i++)
            {
                var record = new byte[700];
                Random.Shared.NextBytes(record);
                await engine.SendAsync($$"""{"id":{{i}},"op":"append","records":["{{Convert.ToBase64String(record)}}"],"sync":true}""");
                if (await engine.TryReplyAsync() is not { } reply)
                    break;
                Assert.True(reply.GetProperty("ok").GetBoolean());
                acked.Add(record);
            }

            Assert.Equal(137, await engine.ExitCodeAsync()); // 128 + SIGKILL, from inside
        }

        var builder = Storage.Faults.CrashStates.CrashStateBuilder.Load(_dir, trace);
        Assert.Equal(31, builder.ReplayPoint.AtOp);
        foreach (var mode in Enum.GetValues<Storage.Faults.Model.CrashMode>())
        {
            var stateDir = $"{_dir}-{mode}";
            builder.WriteTo(builder.Compose(mode, 5), stateDir);
            using var recovered = await EngineChild.StartAsync(stateDir);
            Assert.Equal(JsonValueKind.Null, recovered.Ready.GetProperty("corruption").ValueKind);
            await recovered.SendAsync("""{"id":1,"op":"read","from_lsn":1,"max_records":1000,"max_bytes":100000000}""");
            var records = (await recovered.ReplyAsync()).GetProperty("records").EnumerateArray().Select(r => r.GetProperty("data").GetBytesFromBase64()).ToList();
            Assert.True(records.Count >= acked.Count, $"{mode}: {records.Count} records, {acked.Count} acknowledged");
            Assert.Equal(acked, records.Take(acked.Count));
            Directory.Delete(stateDir, recursive: true);
        }

        Directory.Delete(trace, recursive: true);
        File.Delete(plan);
    }

    internal sealed class EngineChild : IDisposable
    {
        private readonly Process _process;

        private EngineChild(Process process, JsonElement ready)
        {
            _process = process;
            Ready = ready;
        }

        public JsonElement Ready { get; }

        public int Pid => _process.Id;

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

        public static async Task<EngineChild> StartAsync(string dataDir, params (string Name, string Value)[] environment)
        {
            var start = StartInfo(dataDir);
            foreach (var (name, value) in environment)
                start.Environment[name] = value;
            var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var ready = JsonDocument.Parse(line!).RootElement;
            Assert.Equal("ready", ready.GetProperty("event").GetString());
            return new EngineChild(process, ready);
        }

        public async Task SendAsync(string line)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync(line);
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // The engine died (a crash point): the caller sees it as a missing reply.
            }
        }

        /// <summary>The next reply, or null when the engine closed stdout (it died).</summary>
        public async Task<JsonElement?> TryReplyAsync()
        {
            var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return line == null ? null : JsonDocument.Parse(line).RootElement;
        }

        public async Task<int> ExitCodeAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return _process.ExitCode;
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
