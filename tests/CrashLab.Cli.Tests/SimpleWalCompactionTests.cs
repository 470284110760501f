using System.Diagnostics;
using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>
/// The Python example (examples/backends/python/simple_wal.py) reclaims what truncations covered:
/// at a start, when the frames wholly below the first LSN fill at least 1 MiB and half the file, it
/// replaces the file (atomically, durably) by its frames from the one holding the first LSN on.
/// Every record from the first LSN on reads back the same, and the next LSN stands.
/// </summary>
public sealed class SimpleWalCompactionTests : CliTest
{
    private const int RecordBytes = 100_000;

    // A frame of one record: 8 bytes of header, 12 of batch header, 4 of length.
    private const long FrameBytes = RecordBytes + 24;

    private static readonly string Example = Path.Combine(AppContext.BaseDirectory, "backends", "python", "simple_wal.py");

    private string Data => Directory.CreateDirectory(Path.Combine(Dir, "data")).FullName;

    private long LogBytes => new FileInfo(Path.Combine(Data, "log.bin")).Length;

    [Fact]
    public async Task Start_TruncatedFramesOverAMiBAndHalfTheFile_KeepsTheFramesFromTheFirstLsnOn()
    {
        await ServeAsync([.. Appends(1, 30), Truncate(25)]);
        Assert.Equal(30 * FrameBytes, LogBytes);

        var replies = await ServeAsync([Read(25)]);

        Assert.Equal(6 * FrameBytes, LogBytes);
        AssertReady(replies[0], first: 25, next: 31);
        var records = replies[1].GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(25, 6), records.Select(r => r.GetProperty("lsn").GetInt32()));
        Assert.All(records, r => Assert.Equal(Payload(r.GetProperty("lsn").GetInt32()), r.GetProperty("data").GetString()));
        Assert.False(File.Exists(Path.Combine(Data, "log.bin.tmp")));

        // The rewritten file recovers as it was written, and appends go on from the next LSN.
        replies = await ServeAsync([.. Appends(31, 1), Read(25)]);
        AssertReady(replies[0], first: 25, next: 31);
        Assert.Equal(7, replies[2].GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task Start_EveryFrameTruncated_KeepsTheLastFrameSoTheNextLsnStands()
    {
        await ServeAsync([.. Appends(1, 15), Truncate(16)]);

        var replies = await ServeAsync([.. Appends(16, 1)]);

        AssertReady(replies[0], first: 16, next: 16);
        Assert.Equal(16, replies[1].GetProperty("first_lsn").GetInt32());
        Assert.Equal(2 * FrameBytes, LogBytes); // LSN 15's frame, kept for its numbering, and LSN 16's
        AssertReady((await ServeAsync([]))[0], first: 16, next: 17);
    }

    [Fact]
    public async Task Start_TruncatedFramesUnderHalfTheFile_LeavesTheFileAsItIs()
    {
        await ServeAsync([.. Appends(1, 30), Truncate(12)]); // 11 frames (1.1 MB) truncated of 30

        var replies = await ServeAsync([]);

        AssertReady(replies[0], first: 12, next: 31);
        Assert.Equal(30 * FrameBytes, LogBytes);
    }

    private static IEnumerable<string> Appends(int firstLsn, int count)
        => Enumerable.Range(firstLsn, count).Select(lsn => $$"""{"id":{{lsn}},"op":"append","records":["{{Payload(lsn)}}"],"sync":true}""");

    private static string Truncate(int before) => $$"""{"id":100000,"op":"truncate","before_lsn":{{before}}}""";

    private static string Read(int from) => $$"""{"id":100001,"op":"read","from_lsn":{{from}}}""";

    /// <summary>Record <paramref name="lsn"/>'s data, base64: 100,000 bytes of one value.</summary>
    private static string Payload(int lsn) => Convert.ToBase64String(Enumerable.Repeat((byte)lsn, RecordBytes).ToArray());

    private static void AssertReady(JsonElement ready, int first, int next)
    {
        Assert.Equal("ready", ready.GetProperty("event").GetString());
        Assert.Equal((first, next), (ready.GetProperty("first_lsn").GetInt32(), ready.GetProperty("next_lsn").GetInt32()));
    }

    /// <summary>Starts the example on the data directory, sends the lines, ends its input (a clean shutdown) and returns every line it wrote.</summary>
    private async Task<List<JsonElement>> ServeAsync(IEnumerable<string> requests)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", [Example]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["CRASHLAB_DATA_DIR"] = Data;
        using var backend = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var output = backend.StandardOutput.ReadToEndAsync(bound.Token);
        foreach (var request in requests)
            await backend.StandardInput.WriteLineAsync(request.AsMemory(), bound.Token);
        backend.StandardInput.Close();
        var lines = await output;
        await backend.WaitForExitAsync(bound.Token);
        Assert.True(backend.ExitCode == 0, lines);
        return [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
